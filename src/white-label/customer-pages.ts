import { randomUUID } from "node:crypto";
import { runOnceForValue } from "../idempotency/idempotency.ts";
import { requireUser } from "../context.ts";
import { Hono, type Context } from "hono";
import type { Site } from "../db/schema.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { AppError, NotFound } from "../core/errors.ts";
import { idParam } from "../core/params.ts";
import { parseInput } from "../core/validate.ts";
import { UUID_SEGMENT } from "../lib/uuid.ts";
import { orderLabel } from "../orders/numbers.ts";
import { customersQuery } from "../reseller/schema.ts";
import { customerView } from "../reseller/view.ts";
import { listCustomers } from "../reseller/customers.ts";
import { listSiteOrders } from "../reseller/orders.ts";
import { siteTenantCtx } from "../reseller/scope.ts";
import { listLedger } from "../staff/finance/service.ts";
import { adjustBalance } from "../staff/users/balance.ts";
import { adjustBody } from "../staff/users/schema.ts";
import { sendResetLinkAsStaff, toggleBan, userOfTenant, userStats } from "../staff/users/service.ts";
import { requireCsrf } from "../storefront/csrf.ts";
import { displayDate, displayMoney, statusBadge } from "../storefront/format.ts";
import { pageRequest, render, type Storefront } from "../storefront/respond.ts";
import type { Translate } from "../storefront/view-models.ts";
import { paginationView } from "../storefront/view.ts";
import { ownedSite } from "./sites.ts";

const DONE = ["adjusted", "banned", "unbanned", "reset_sent"];
type Fields = Record<string, string>;
type Errors = Record<string, string[]>;

/** A form's refusal, translated; anything but a user error (404, 500…) goes to the error page. */
function customerErrors(err: unknown, t: Translate, form: "adjust" | "ban" | "reset"): Errors {
  if (!(err instanceof AppError) || err instanceof NotFound || ![409, 422].includes(err.status)) throw err;
  if (err.code === "insufficient_balance") return { amount: [t("platform.wl.cu.error.below_zero")] };
  if (err.code === "user_banned") return { _reset: [t("platform.wl.cu.error.banned")] };
  if (form !== "adjust") return { [`_${form}`]: [t("platform.wl.cu.error.try_again")] };
  const details = err.details && typeof err.details === "object" ? (err.details as Errors) : {};
  const out: Errors = {};
  if (details.amount) out.amount = [t("platform.wl.cu.error.amount")];
  if (details.reason) out.reason = [t("platform.wl.cu.error.reason")];
  return Object.keys(out).length ? out : { amount: [t("platform.wl.cu.error.amount")] };
}

/**
 * A reseller's customers for one of their sites, `/white-label/sites/:uuid/customers` (search) and
 * `/…/customers/:id` (balance, orders, deposits; adjust behind a confirmation, ban/unban, reset link):
 * the tenant-generic verbs of src/staff/users with the site's ctx, as the JSON API calls them.
 */
export function siteCustomerPages(sf: Storefront) {
  const app = new Hono<AppEnv>();
  const site = `/white-label/sites/:uuid{${UUID_SEGMENT}}`;

  app.get(`${site}/customers`, async (c) => {
    const ctx = ctxOf(c);
    const s = await ownedSite(ctx, c.req.param("uuid"));
    const req = await pageRequest(c, sf);
    const { t, visit } = req;
    const search = (c.req.query("q") ?? "").trim().slice(0, 100);
    const n = Number(c.req.query("page"));
    const q = customersQuery.parse({ page: String(Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1), per_page: "20", search: search || undefined });
    const page = await listCustomers(siteTenantCtx(ctx, s), q);
    const base = `/white-label/sites/${s.uuid}/customers`;
    const data = {
      back: `/white-label/sites/${s.uuid}`,
      action: base,
      search,
      customers: page.rows.map((u) => {
        const v = customerView(u);
        return {
          href: `${base}/${u.id}`,
          username: v.username,
          email: v.email,
          balance: displayMoney(Number(u.balance), s.currency, visit.lang),
          orders: String(v.orders_count),
          banned: v.is_banned,
          joined: displayDate(u.created_at, visit.lang),
        };
      }),
      pagination: paginationView(page.page, Math.max(1, Math.ceil(page.total / page.per_page)), base, new URLSearchParams(search ? { q: search } : {})),
    };
    const heading = t("platform.wl.cu.title", { site: s.name });
    return render(c, req, { id: "white-label-site-customers", heading, title: heading }, data);
  });

  const customerPage = async (
    c: Context<AppEnv>,
    s: Site,
    id: number,
    state: { values?: Fields; errors?: Errors; confirm?: { amount: number; reason: string } } = {},
    status = 200,
  ) => {
    const req = await pageRequest(c, sf);
    const { t, visit } = req;
    const siteCtx = siteTenantCtx(ctxOf(c), s);
    const user = await userOfTenant(siteCtx, id);
    const [stats, orders, deposits] = await Promise.all([
      userStats(siteCtx, user.id),
      listSiteOrders(siteCtx, { page: 1, per_page: 10, user_id: user.id }),
      listLedger(siteCtx, { type: "deposit", user_id: user.id, page: 1, per_page: 10 }),
    ]);
    const money = (m: number) => displayMoney(m, s.currency, visit.lang);
    const base = `/white-label/sites/${s.uuid}/customers/${user.id}`;
    const done = c.req.query("done");
    const balance = Number(user.balance);
    const data = {
      back: `/white-label/sites/${s.uuid}/customers`,
      self: base,
      username: user.username,
      email: user.email,
      balance: money(balance),
      banned: Boolean(user.is_banned),
      banReason: user.ban_reason,
      joined: displayDate(user.created_at, visit.lang),
      facts: [
        { label: t("platform.wl.cu.orders_count"), value: String(stats.ordersCount) },
        { label: t("platform.wl.cu.spent"), value: money(stats.spent) },
        { label: t("platform.wl.cu.deposited"), value: money(stats.deposited) },
        { label: t("platform.wl.cu.pending"), value: money(stats.pendingDeposits) },
      ],
      orders: orders.rows.map((o) => ({
        short: orderLabel(o),
        service: o.service_name ?? `#${o.service_id}`,
        price: money(Number(o.site_price ?? o.charge)),
        status: statusBadge("order", o.status, t),
        createdAt: displayDate(o.created_at, visit.lang),
      })),
      deposits: deposits.rows.map((d) => ({
        amount: money(Number(d.amount)),
        method: d.payment_method_name ?? "—",
        status: statusBadge("deposit", d.status, t),
        createdAt: displayDate(d.created_at, visit.lang),
      })),
      adjustAction: `${base}/adjust`,
      banAction: `${base}/ban`,
      resetAction: `${base}/reset-link`,
      confirm: state.confirm
        ? {
            amount: state.values?.amount ?? "",
            reason: state.confirm.reason,
            label: t(state.confirm.amount > 0 ? "platform.wl.cu.confirm_credit" : "platform.wl.cu.confirm_debit", {
              amount: money(Math.abs(state.confirm.amount)),
              customer: user.username,
            }),
            // The confirmed post's idempotency key: a double click on Confirm books once.
            key: randomUUID(),
            before: money(balance),
            after: money(balance + state.confirm.amount),
          }
        : null,
      values: { amount: "", reason: "", ban_reason: "", ...state.values },
      errors: state.errors ?? {},
      notice: done && DONE.includes(done) ? t(`platform.wl.cu.done.${done}`) : null,
    };
    return render(c, req, { id: "white-label-site-customer", status, heading: user.username, title: user.username }, data);
  };

  const customer = `${site}/customers/:id{[0-9]+}`;
  app.get(customer, async (c) => customerPage(c, await ownedSite(ctxOf(c), c.req.param("uuid")), idParam(c.req.param("id"), "Customer")));

  /** A customer form: the caller's own site and customer (404 otherwise), CSRF, then the verb and back, or the page with the errors. */
  const customerForm = (
    path: string,
    form: "adjust" | "ban" | "reset",
    run: (c: Context<AppEnv>, s: Site, id: number, fields: Fields) => Promise<string | Response>,
  ) =>
    app.post(`${customer}${path}`, requireCsrf, async (c) => {
      const s = await ownedSite(ctxOf(c), c.req.param("uuid"));
      const id = idParam(c.req.param("id"), "Customer");
      const body = await c.req.parseBody();
      const fields: Fields = {};
      for (const [k, v] of Object.entries(body)) if (k !== "_csrf" && typeof v === "string") fields[k] = v.slice(0, 1000);
      try {
        const done = await run(c, s, id, fields);
        if (typeof done !== "string") return done;
        return c.redirect(`/white-label/sites/${s.uuid}/customers/${id}?done=${done}`, 303);
      } catch (err) {
        const { t } = await pageRequest(c, sf);
        return customerPage(c, s, id, { values: fields, errors: customerErrors(err, t, form) }, err instanceof AppError && err.status === 409 ? 409 : 422);
      }
    });

  // Money moves only after a confirmation step that shows the amount and the balance after (no JavaScript needed).
  customerForm("/adjust", "adjust", async (c, s, id, fields) => {
    const input = parseInput(adjustBody, { amount: fields.amount ?? "", reason: fields.reason ?? "" });
    const siteCtx = siteTenantCtx(ctxOf(c), s);
    await userOfTenant(siteCtx, id);
    if (fields.confirm !== "1") return customerPage(c, s, id, { values: fields, confirm: input });
    const keyed = { scope: `u:${requireUser(siteCtx).id}`, key: fields.key || undefined, operation: "site-adjust-balance", body: { site: s.id, id, ...input } };
    await runOnceForValue(siteCtx, keyed, async () => (await adjustBalance(siteCtx, id, input)).uuid);
    return "adjusted";
  });

  customerForm("/ban", "ban", async (c, s, id, fields) => {
    const user = await toggleBan(siteTenantCtx(ctxOf(c), s), id, fields.ban_reason?.trim().slice(0, 255) || undefined);
    return user.is_banned ? "banned" : "unbanned";
  });

  customerForm("/reset-link", "reset", async (c, s, id) => {
    await sendResetLinkAsStaff(siteTenantCtx(ctxOf(c), s), id);
    return "reset_sent";
  });

  return app;
}
