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
import type { MassOrderData, NotificationsData, ReferralsData } from "../storefront/view-models.ts";
import type { User } from "../db/schema.ts";
import { listNotifications, markAllRead, markRead } from "../notifications/service.ts";
import { listCommissions, listReferrals, referralStats } from "../referrals/service.ts";
import { displayMoney, displayPercent } from "../storefront/format.ts";
import { AppError, NotFound } from "../core/errors.ts";
import { randomUUID } from "node:crypto";
import { placeMassOrders, quoteOrder } from "../orders/place.ts";
import { orderLabel } from "../orders/numbers.ts";
import { MASS_MAX_LINES } from "../orders/schema.ts";
import { runOnceForValue } from "../idempotency/idempotency.ts";
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
  // A site owner's grouped notices lead to the site's orders, deposits to verify or support inbox.
  const site = uuid("site_uuid");
  if (site && n.type.startsWith("site_owner.") && user.site_id === PLATFORM_TENANT_ID) {
    const where: Record<string, string> = { "site_owner.orders": "/orders", "site_owner.deposits": "#deposits-title", "site_owner.tickets": "/tickets" };
    const tail = where[n.type];
    if (tail) return `/white-label/sites/${site}${tail}`;
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

/** A line's refusal in words: the first field message (already in the page language for the order fields), else the error's own. */
function lineError(err: unknown): string {
  if (!(err instanceof AppError)) throw err;
  const details = (err.details ?? {}) as Record<string, string[]>;
  const first = Object.values(details).flat()[0];
  return first ?? err.message;
}

/**
 * The mass order page (platform accounts, like the API it mirrors): one `service|link|quantity` per
 * line; a first post shows each line priced or refused and the total, the confirmation places them
 * once (its key guards a double submit), and the result names each line's order or its refusal.
 */
export function massOrderPages(sf: Storefront) {
  const app = new Hono<AppEnv>();
  const platformOnly = (c: Parameters<typeof ctxOf>[0]) => {
    if (c.get("tenant").kind !== "platform") throw new NotFound("Page not found");
  };
  const page = async (c: Parameters<typeof ctxOf>[0], data: Partial<MassOrderData>, status = 200) => {
    const req = await pageRequest(c, sf);
    const full: MassOrderData = { text: "", maxLines: MASS_MAX_LINES, preview: null, results: null, errors: {}, idempotencyKey: randomUUID(), ...data };
    return render(c, req, { id: "mass-order", status }, full);
  };

  app.get("/orders/mass", (c) => {
    platformOnly(c);
    return page(c, {});
  });

  app.post("/orders/mass", requireCsrf, async (c) => {
    platformOnly(c);
    const ctx = ctxOf(c);
    const posted = await c.req.parseBody();
    const text = typeof posted.orders === "string" ? posted.orders.slice(0, 200_000) : "";
    const key = typeof posted.idempotency_key === "string" ? posted.idempotency_key.slice(0, 100) : "";
    const req = await pageRequest(c, sf);
    const { lang } = req.visit;
    const lines = text
      .split(/\r?\n/)
      .map((raw, i) => ({ raw: raw.trim(), line: i + 1 }))
      .filter((l) => l.raw !== "");
    if (!lines.length) return page(c, { text, errors: { orders: [req.t("mass.error.empty")] } }, 422);
    if (lines.length > MASS_MAX_LINES) return page(c, { text, errors: { orders: [req.t("mass.error.too_many", { max: MASS_MAX_LINES })] } }, 422);
    const money = (m: number, currency: string) => displayMoney(m, currency, lang);

    if (posted.confirm !== "yes") {
      const preview: NonNullable<MassOrderData["preview"]> = { lines: [], total: "", placeable: 0 };
      let total = 0;
      let currency = req.look.currency;
      for (const l of lines) {
        const parts = l.raw.split("|").map((x) => x.trim());
        if (parts.length !== 3) {
          preview.lines.push({ line: l.line, text: l.raw, ok: false, message: req.t("mass.error.format") });
          continue;
        }
        try {
          const q = await quoteOrder(ctx, { service_id: parts[0], link: parts[1], quantity: parts[2] }, lang);
          total += q.charge;
          currency = q.currency;
          preview.placeable++;
          preview.lines.push({ line: l.line, text: l.raw, ok: true, message: `${q.service.name} · ${q.fields.quantity} · ${money(q.charge, q.currency)}` });
        } catch (err) {
          preview.lines.push({ line: l.line, text: l.raw, ok: false, message: lineError(err) });
        }
      }
      preview.total = money(total, currency);
      return page(c, { text, preview, idempotencyKey: key || randomUUID() });
    }

    // Confirmed: placed once for this key, each line on its own.
    const keyed = { scope: `u:${ctx.user!.id}`, key: key || undefined, operation: "storefront-mass-order", body: { orders: text } };
    const done = await runOnceForValue(ctx, keyed, async () =>
      (await placeMassOrders(ctx, text, { source: "mass" })).map((r) =>
        r.ok
          ? { line: r.line, ok: true, message: `${orderLabel(r.order)} · ${money(r.order.charge, r.order.currency)}`, href: `/orders/${r.order.uuid}` }
          : { line: r.line, ok: false, message: lineErrorOf(r.error) },
      ),
    );
    const results = done.value;
    return page(c, { text: "", results: { lines: results, placed: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length } });
  });

  return guarded(signedIn, app);
}

function lineErrorOf(error: { message: string; details?: unknown }): string {
  const first = Object.values((error.details ?? {}) as Record<string, string[]>).flat()[0];
  return first ?? error.message;
}
