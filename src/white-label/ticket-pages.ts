import { Hono, type Context } from "hono";
import type { Site } from "../db/schema.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { AppError, NotFound } from "../core/errors.ts";
import { parseInput } from "../core/validate.ts";
import { UUID_SEGMENT } from "../lib/uuid.ts";
import { requireCsrf } from "../storefront/csrf.ts";
import { displayDate, statusBadge } from "../storefront/format.ts";
import { pageRequest, render, type Storefront } from "../storefront/respond.ts";
import type { Translate } from "../storefront/view-models.ts";
import { paginationView } from "../storefront/view.ts";
import { siteTenantCtx } from "../reseller/scope.ts";
import { replyBody, staffTicketsQuery } from "../tickets/schema.ts";
import { closeAsStaff, listStaffTickets, replyAsStaff, staffTicket } from "../tickets/staff.ts";
import { ownedSite } from "./sites.ts";

const STATUSES = ["open", "customer_reply", "answered", "closed"] as const;
const DONE = ["replied", "closed"];

/** A reply's errors, translated: only the message field can be wrong. */
function replyErrors(err: unknown, t: Translate): Record<string, string[]> {
  if (!(err instanceof AppError) || err instanceof NotFound || err.status !== 422) throw err;
  return { message: [t("platform.wl.tk.error.message")] };
}

/**
 * A reseller's support inbox for one of their sites, `/white-label/sites/:uuid/tickets` (status filter)
 * and `/…/tickets/:ticket` (conversation, reply, close): the same staff verbs as the JSON API
 * (src/tickets/staff.ts), called with the site's tenant ctx, so another tenant's ticket is a 404.
 */
export function siteTicketPages(sf: Storefront) {
  const app = new Hono<AppEnv>();
  const site = `/white-label/sites/:uuid{${UUID_SEGMENT}}`;

  app.get(`${site}/tickets`, async (c) => {
    const ctx = ctxOf(c);
    const s = await ownedSite(ctx, c.req.param("uuid"));
    const req = await pageRequest(c, sf);
    const { t, visit } = req;
    const wanted = c.req.query("status");
    const status = STATUSES.find((v) => v === wanted);
    const n = Number(c.req.query("page"));
    const q = staffTicketsQuery.parse({ page: String(Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1), per_page: "20", status });
    const page = await listStaffTickets(siteTenantCtx(ctx, s), q);
    const base = `/white-label/sites/${s.uuid}/tickets`;
    const keep = new URLSearchParams(status ? { status } : {});
    const data = {
      back: `/white-label/sites/${s.uuid}`,
      filters: [undefined, ...STATUSES].map((v) => ({
        label: v ? statusBadge("ticket", v, t).label : t("platform.wl.tk.all"),
        href: v ? `${base}?status=${v}` : base,
        current: v === status,
      })),
      tickets: page.rows.map((tk) => ({
        subject: tk.subject,
        href: `${base}/${tk.uuid}`,
        customer: tk.username ?? `#${tk.user_id}`,
        status: statusBadge("ticket", tk.status, t),
        lastActivity: displayDate(tk.last_reply_at ?? tk.created_at, visit.lang),
      })),
      pagination: paginationView(page.page, Math.max(1, Math.ceil(page.total / page.per_page)), base, keep),
    };
    const heading = t("platform.wl.tk.title", { site: s.name });
    return render(c, req, { id: "white-label-site-tickets", heading, title: heading }, data);
  });

  const ticketPage = async (c: Context<AppEnv>, s: Site, uuid: string, state: { message?: string; errors?: Record<string, string[]> } = {}, status = 200) => {
    const req = await pageRequest(c, sf);
    const { t, visit } = req;
    const tk = await staffTicket(siteTenantCtx(ctxOf(c), s), uuid);
    const base = `/white-label/sites/${s.uuid}/tickets/${tk.uuid}`;
    const done = c.req.query("done");
    const data = {
      back: `/white-label/sites/${s.uuid}/tickets`,
      subject: tk.subject,
      customer: tk.username ?? `#${tk.user_id}`,
      status: statusBadge("ticket", tk.status, t),
      closed: tk.status === "closed",
      opened: displayDate(tk.created_at, visit.lang),
      order: tk.order_uuid,
      messages: tk.messages.map((m) => ({ staff: m.is_staff === 1, who: m.username ?? "—", at: displayDate(m.created_at, visit.lang), text: m.message })),
      replyAction: `${base}/reply`,
      closeAction: `${base}/close`,
      values: { message: state.message ?? "" },
      errors: state.errors ?? {},
      notice: done && DONE.includes(done) ? t(`platform.wl.tk.done.${done}`) : null,
    };
    return render(c, req, { id: "white-label-site-ticket", status, heading: tk.subject, title: tk.subject }, data);
  };

  const ticket = `${site}/tickets/:ticket{${UUID_SEGMENT}}`;
  app.get(ticket, async (c) => ticketPage(c, await ownedSite(ctxOf(c), c.req.param("uuid")), c.req.param("ticket")));

  app.post(`${ticket}/reply`, requireCsrf, async (c) => {
    const ctx = ctxOf(c);
    const s = await ownedSite(ctx, c.req.param("uuid"));
    const body = await c.req.parseBody();
    const message = typeof body.message === "string" ? body.message.slice(0, 6000) : "";
    try {
      const tk = await replyAsStaff(siteTenantCtx(ctx, s), c.req.param("ticket"), parseInput(replyBody, { message }).message);
      return c.redirect(`/white-label/sites/${s.uuid}/tickets/${tk.uuid}?done=replied`, 303);
    } catch (err) {
      const { t } = await pageRequest(c, sf);
      return ticketPage(c, s, c.req.param("ticket"), { message, errors: replyErrors(err, t) }, 422);
    }
  });

  app.post(`${ticket}/close`, requireCsrf, async (c) => {
    const ctx = ctxOf(c);
    const s = await ownedSite(ctx, c.req.param("uuid"));
    const tk = await closeAsStaff(siteTenantCtx(ctx, s), c.req.param("ticket"));
    return c.redirect(`/white-label/sites/${s.uuid}/tickets/${tk.uuid}?done=closed`, 303);
  });

  return app;
}
