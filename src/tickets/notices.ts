import type { Ctx } from "../context.ts";
import { notifyLocalized } from "../notifications/localized.ts";
import { both, notice } from "../i18n/i18n.ts";

type Vars = { subject: string; uuid: string; who?: string };

type TicketNoticeKind = "staff_replied" | "closed_by_staff" | "assigned" | "customer_replied";

/** Notifies one user about a ticket, in their own language; the text is plain, never HTML. */
export async function ticketNotice(ctx: Ctx, userId: number, kind: TicketNoticeKind, vars: Vars): Promise<void> {
  const texts = notice(`ticket.${kind}`, { subject: vars.subject, who: vars.who ?? both("ticket.the_customer") });
  await notifyLocalized(ctx, userId, { type: `ticket.${kind}`, ...texts, data: { ticket_uuid: vars.uuid } });
}
