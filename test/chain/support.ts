import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { SITES, uniqueName } from "../harness/platform.ts";
import { csrfFrom, get, type Jar, post, registerThroughForm } from "../storefront/helpers.ts";
import { fundedUser, money, type World } from "../orders/support.ts";
import type { Tenant } from "../../src/context.ts";
import type { User } from "../../src/db/schema.ts";
import { dbNow } from "../../src/lib/time.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { credit } from "../../src/wallet/ledger.ts";

export interface SiteWorld {
  tenant: Extract<Tenant, { kind: "site" }>;
  host: string;
  siteId: number;
  owner: Awaited<ReturnType<typeof fundedUser>>;
}

/** A white-label site (written as the purchase would) owned by a platform user with `resellerFunds` in their wallet. */
export const PLATFORM_HOST = { host: "izyboost.test", siteId: 0 };

export async function siteWith(w: World, opts: { resellerFunds: string; marginBp?: number; extra?: Record<string, unknown> }): Promise<SiteWorld> {
  const owner = await fundedUser(w, opts.resellerFunds);
  const slug = uniqueName("shop").toLowerCase();
  const now = dbNow(w.clock);
  const template = await w.p.services.db.selectFrom("white_label_templates").select("id").where("slug", "=", "aurora").executeTakeFirstOrThrow();
  // A plan whose customers may use the API (starter's may not: src/tenancy/plan-limits.ts).
  const plan = await w.p.services.db.selectFrom("white_label_plans").select("id").where("slug", "=", "business").executeTakeFirstOrThrow();
  await w.p.services.db
    .insertInto("white_label_sites")
    .values({
      uuid: randomUUID(),
      owner_id: owner.user.id,
      plan_id: plan.id,
      template_id: template.id,
      name: `Boutique ${slug}`,
      slug,
      default_margin_bp: opts.marginBp ?? 5000,
      currency: "XOF",
      created_at: now,
      updated_at: now,
      ...opts.extra,
    })
    .execute();
  w.p.invalidateTenants();
  const site = await w.p.services.db.selectFrom("white_label_sites").selectAll().where("slug", "=", slug).executeTakeFirstOrThrow();
  return { tenant: { kind: "site", siteId: site.id, site }, host: `${slug}.${SITES}`, siteId: site.id, owner };
}

export interface Customer {
  jar: Jar;
  user: User;
  host: string;
}

/** A customer signed up through the storefront's own form on `host`, with `funds` on that site (a verified deposit). */
export async function customerOn(
  w: World,
  where: { host: string; siteId: number },
  funds = "0",
  opts: { email?: string; language?: "fr" | "en" } = {},
): Promise<Customer> {
  const { host } = where;
  const reg = await registerThroughForm(w.p, host, { email: opts.email });
  expect(reg.res.status).toBe(303);
  let user = await w.p.services.db
    .selectFrom("users")
    .selectAll()
    .where("username", "=", reg.username)
    .where("site_id", "=", where.siteId)
    .executeTakeFirstOrThrow();
  if (opts.language) await w.p.services.db.updateTable("users").set({ language: opts.language }).where("id", "=", user.id).execute();
  if (money(funds) > 0) await credit(w.p.ctx(), { userId: user.id, amount: money(funds), type: "deposit", description: "test deposit" });
  user = await w.p.services.db.selectFrom("users").selectAll().where("id", "=", user.id).executeTakeFirstOrThrow();
  return { jar: reg.jar, user, host };
}

/** Fills and posts the storefront's order form the way a browser does (CSRF token and idempotency key from the page). */
export async function orderViaForm(w: World, c: Customer, fields: Record<string, string>, opts: { reuseKeyFrom?: string } = {}) {
  const page = await get(w.p, c.host, "/orders/new", c.jar);
  expect(page.res.status).toBe(200);
  const key = opts.reuseKeyFrom ?? /name="idempotency_key" value="([^"]+)"/.exec(page.html)?.[1];
  expect(key).toBeTruthy();
  // The form shows its confirmation step first (nothing charged yet), then Confirm places the order.
  const step = await post(w.p, c.host, "/orders", c.jar, { _csrf: csrfFrom(page.html), idempotency_key: key!, ...fields });
  if (step.res.status !== 200) return { status: step.res.status, html: step.html, uuid: null, key: key! };
  expect(step.html).toContain(`name="idempotency_key" value="${key}"`);
  const res = await post(w.p, c.host, "/orders", c.jar, { _csrf: csrfFrom(page.html), idempotency_key: key!, ...fields, confirm: "yes" });
  await settleDispatchKicks(w.p.services);
  const location = res.res.headers.get("location");
  const uuid = location ? (/^\/orders\/([0-9a-f-]{36})$/.exec(location)?.[1] ?? null) : null;
  return { status: res.res.status, html: res.html, uuid, key: key! };
}

/** Posts one of the account pages' one-button forms (cancel, refill, close, revoke) with the page's CSRF token. */
export async function pressButton(w: World, c: Customer, pagePath: string, action: string, fields: Record<string, string> = {}) {
  const page = await get(w.p, c.host, pagePath, c.jar);
  const res = await post(w.p, c.host, action, c.jar, { _csrf: csrfFrom(page.html), ...fields });
  await settleDispatchKicks(w.p.services);
  return { status: res.res.status, location: res.res.headers.get("location"), html: res.html };
}

/** The customer order, its platform order and the site_orders row of a customer order uuid. */
export async function chainOf(w: World, customerUuid: string) {
  const db = w.p.services.db;
  const customer = await db.selectFrom("orders").selectAll().where("uuid", "=", customerUuid).executeTakeFirstOrThrow();
  const link = await db.selectFrom("site_orders").selectAll().where("customer_order_id", "=", customer.id).executeTakeFirstOrThrow();
  const platform = await db.selectFrom("orders").selectAll().where("id", "=", link.platform_order_id).executeTakeFirstOrThrow();
  return { customer, platform, link };
}

export async function refundsOf(w: World, userId: number): Promise<number[]> {
  const rows = await w.p.services.db
    .selectFrom("transactions")
    .select("amount")
    .where("user_id", "=", userId)
    .where("type", "=", "refund")
    .orderBy("id")
    .execute();
  return rows.map((r) => Number(r.amount));
}

export async function notificationsOf(w: World, userId: number) {
  return w.p.services.db.selectFrom("notifications").selectAll().where("user_id", "=", userId).orderBy("id").execute();
}
