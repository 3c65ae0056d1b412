import { Hono } from "hono";
import { signedIn } from "../auth/middleware.ts";
import { isStaff } from "../auth/roles.ts";
import { idParam } from "../core/params.ts";
import { PLATFORM_TENANT_ID } from "../core/tenant-id.ts";
import { guarded } from "../http/guard.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { requireCsrf } from "../storefront/csrf.ts";
import { displayDate } from "../storefront/format.ts";
import { pageRequest, render, type Storefront } from "../storefront/respond.ts";
import { paginationView } from "../storefront/view.ts";
import type { NotificationsData, ReferralsData } from "../storefront/view-models.ts";
import type { User } from "../db/schema.ts";
import { listNotifications, markAllRead, markRead } from "../notifications/service.ts";
import { listCommissions, listReferrals, referralStats } from "../referrals/service.ts";
import { displayMoney, displayPercent } from "../storefront/format.ts";
import { NotFound } from "../core/errors.ts";
import { tenantBaseUrl } from "../tenancy/urls.ts";
import type { CommissionStatus } from "../db/schema.ts";
import type { Notification } from "../notifications/view.ts";

const PER_PAGE = 20;

/** Where a notification leads: the order or ticket it is about (staff go to the console's ticket). */
function linkOf(n: Notification, user: User): string | null {
  let data: Record<string, unknown> = {};
  try {
    data = n.data ? (JSON.parse(n.data) as Record<string, unknown>) : {};
  } catch {
    return null;
  }
  const uuid = (k: string) => (typeof data[k] === "string" && /^[0-9a-f-]{36}$/i.test(data[k] as string) ? (data[k] as string) : null);
  const order = uuid("order_uuid");
  if (order) return `/orders/${order}`;
  const ticket = uuid("ticket_uuid");
  if (ticket) {
    const staffSide = n.type === "ticket.customer_replied" || n.type === "ticket.assigned";
    if (!staffSide) return `/tickets/${ticket}`;
    return user.site_id === PLATFORM_TENANT_ID && isStaff(user.role) ? `/admin/support/${ticket}` : null;
  }
  return null;
}

/** The notifications page of every tenant: the list (unread first to the eye), mark one or all read. */
export function notificationPages(sf: Storefront) {
  const app = new Hono<AppEnv>();

  app.get("/notifications", async (c) => {
    const ctx = ctxOf(c);
    const n = Number(c.req.query("page"));
    const pageNo = Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
    const unreadOnly = c.req.query("unread") === "1";
    const page = await listNotifications(ctx, { page: pageNo, per_page: PER_PAGE, unread: unreadOnly });
    const req = await pageRequest(c, sf);
    const user = c.get("user")!;
    const url = new URL(c.req.url);
    const data: NotificationsData = {
      unreadOnly,
      unread: req.visit.unread ?? 0,
      items: page.rows.map((row) => ({
        id: row.id,
        title: row.title,
        body: row.body ?? "",
        at: displayDate(row.created_at, req.visit.lang),
        read: row.read_at !== null,
        href: linkOf(row, user),
        readAction: `/notifications/${row.id}/read`,
      })),
      pagination: paginationView(pageNo, Math.max(1, Math.ceil(page.total / PER_PAGE)), url.pathname, new URLSearchParams(unreadOnly ? { unread: "1" } : {})),
    };
    return render(c, req, { id: "notifications" }, data);
  });

  /** Opening a notification marks it read, then goes where it leads (or back to the list). */
  app.post("/notifications/:id{[0-9]+}/read", requireCsrf, async (c) => {
    const ctx = ctxOf(c);
    const row = await markRead(ctx, idParam(c.req.param("id"), "Notification"));
    const body = await c.req.parseBody();
    const go = body.go === "1" ? linkOf(row, c.get("user")!) : null;
    return c.redirect(go ?? "/notifications", 303);
  });

  app.post("/notifications/read-all", requireCsrf, async (c) => {
    await markAllRead(ctxOf(c));
    return c.redirect("/notifications?flash=notifications_read", 303);
  });

  return guarded(signedIn, app);
}

const COMMISSION_TONE: Record<CommissionStatus, string> = {
  pending: "pending",
  awaiting_approval: "warning",
  credited: "success",
  reversed: "muted",
  reversal_pending: "muted",
  cancelled: "muted",
};

/**
 * The referral page (platform accounts: commissions are paid on platform orders): the link to
 * share, the network per level with its rates, commissions waiting, paid and cancelled.
 */
export function referralPages(sf: Storefront) {
  const app = new Hono<AppEnv>();
  app.get("/referrals", async (c) => {
    if (c.get("tenant").kind !== "platform") throw new NotFound("Page not found");
    const ctx = ctxOf(c);
    const n = Number(c.req.query("page"));
    const pageNo = Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
    const [stats, referred, commissions, req] = await Promise.all([
      referralStats(ctx),
      listReferrals(ctx, { page: 1, per_page: 20 }),
      listCommissions(ctx, { page: pageNo, per_page: PER_PAGE }),
      pageRequest(c, sf),
    ]);
    const { lang } = req.visit;
    const money = (m: number) => displayMoney(m, req.look.currency, lang);
    const user = c.get("user")!;
    const url = new URL(c.req.url);
    const data: ReferralsData = {
      link: `${tenantBaseUrl(ctx.config, ctx.tenant)}/register?ref=${encodeURIComponent(user.referral_code)}`,
      code: user.referral_code,
      totals: {
        earned: money(stats.totalEarned),
        month: money(stats.thisMonthEarned),
        pending: money(stats.pending),
        awaiting: money(stats.awaitingApproval),
        cancelled: money(stats.cancelled),
        next: stats.nextAvailableAt ? displayDate(stats.nextAvailableAt, lang) : null,
        referrals: stats.totalReferrals,
      },
      levels: stats.levels.map((l) => ({
        level: l.level,
        rate: displayPercent(l.rateBp, lang),
        referrals: l.referrals,
        earned: money(l.earned),
        pending: money(l.pending),
      })),
      referred: referred.rows.map((r) => ({ username: r.username, level: r.level, joined: displayDate(r.joined_at, lang) })),
      commissions: commissions.rows.map((m) => ({
        who: m.referred_username ?? "—",
        level: m.level,
        amount: money(m.amount - m.cancelled_amount - m.reversed_amount),
        status: { tone: COMMISSION_TONE[m.status] ?? "muted", label: req.t(`referrals.status.${m.status}`) },
        available: m.status === "pending" && m.available_at ? displayDate(m.available_at, lang) : null,
        at: displayDate(m.created_at, lang),
      })),
      pagination: paginationView(pageNo, Math.max(1, Math.ceil(commissions.total / PER_PAGE)), url.pathname, new URLSearchParams()),
    };
    return render(c, req, { id: "referrals" }, data);
  });
  return guarded(signedIn, app);
}
