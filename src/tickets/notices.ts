import type { Ctx } from "../context.ts";
import { notifyLocalized } from "../notifications/localized.ts";

type Vars = { subject: string; uuid: string; who?: string };

/** Every support notification in French and English; the recipient's language picks one. */
const NOTICES = {
  staff_replied: (v: Vars) => ({
    fr: { title: `Réponse du support : ${v.subject}`, body: `Le support a répondu à votre ticket « ${v.subject} ». Consultez-le pour la suite.` },
    en: { title: `Support replied: ${v.subject}`, body: `Support replied to your ticket "${v.subject}". Open it to read the answer.` },
  }),
  closed_by_staff: (v: Vars) => ({
    fr: { title: `Ticket fermé : ${v.subject}`, body: `Votre ticket « ${v.subject} » a été fermé. Répondez-y si le problème persiste.` },
    en: { title: `Ticket closed: ${v.subject}`, body: `Your ticket "${v.subject}" was closed. Reply to it if the problem persists.` },
  }),
  assigned: (v: Vars) => ({
    fr: { title: `Ticket assigné : ${v.subject}`, body: `Le ticket « ${v.subject} » vous a été assigné.` },
    en: { title: `Ticket assigned: ${v.subject}`, body: `The ticket "${v.subject}" was assigned to you.` },
  }),
  customer_replied: (v: Vars) => ({
    fr: { title: `Nouvelle réponse : ${v.subject}`, body: `${v.who ?? "Le client"} a répondu au ticket « ${v.subject} ».` },
    en: { title: `New reply: ${v.subject}`, body: `${v.who ?? "The customer"} replied to the ticket "${v.subject}".` },
  }),
} as const;

type TicketNoticeKind = keyof typeof NOTICES;

/** Notifies one user about a ticket, in their own language; the text is plain, never HTML. */
export async function ticketNotice(ctx: Ctx, userId: number, kind: TicketNoticeKind, vars: Vars): Promise<void> {
  const text = NOTICES[kind](vars);
  await notifyLocalized(ctx, userId, { type: `ticket.${kind}`, fr: text.fr, en: text.en, data: { ticket_uuid: vars.uuid } });
}
