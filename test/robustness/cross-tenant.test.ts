import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect } from "../harness/platform.ts";
import { get, type Jar, sessionCookie } from "../storefront/helpers.ts";
import { notify } from "../../src/notifications/notify.ts";
import { PERMISSIONS } from "../../src/developer-api/keys.ts";
import { ledgerViolations } from "../../src/wallet/ledger.ts";
import { forTenant } from "../../src/tenancy/scoped.ts";
import { randomUUID } from "node:crypto";
import { dbNow } from "../../src/lib/time.ts";
import { sealCredentials } from "../../src/payment-gateways/accounts.ts";
import { changedTables, snapshotter, type Snapshotter } from "./battery.ts";
import { tenants, type Tenants } from "./world.ts";

const PLATFORM = "izyboost.test";

/** Who calls: a Bearer session, a storefront cookie jar on its host, or an API key. */
type Caller = { token: string } | { jar: Jar } | { apiKey: string };

interface Case {
  method: string;
  path: string;
  json?: unknown;
}

// Two platform users, two white-label sites (owner, customer, chained order, deposit, ticket, key, methods, logo)
// and an admin: for every resource, its owner reaches it and every other party gets a 404 (v2: the protocol's error).
describeEachDialect("tenants never see each other", (dialect) => {
  let t: Tenants;
  let snap: Snapshotter;
  const notes = { p2: 0, a: 0, b: 0 };
  const keys = { aOwner: "" };

  async function call(who: Caller, c: Case, host = PLATFORM): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = {};
    if ("token" in who) headers.authorization = `Bearer ${who.token}`;
    if ("jar" in who) headers.cookie = who.jar.header();
    if ("apiKey" in who) headers["x-api-key"] = who.apiKey;
    const res = await t.w.p.request(c.path, { method: c.method, host, headers, json: c.json });
    return { status: res.status, text: await res.text() };
  }

  /** Routes with a path id that the matrix has tried on another party's resource. */
  const covered = new Set<string>();
  function routeOf(method: string, path: string): string | undefined {
    const bare = path.split("?")[0]!;
    const route = t.w.p.app.routes.find((r) => {
      if (r.method !== method || !r.path.includes(":")) return false;
      // A parameter's own pattern may hold braces itself (`{[0-9a-fA-F-]{36}}`).
      const pattern = r.path.replace(/:[A-Za-z]+(\{((?:[^{}]|\{[^{}]*\})*)\})?/g, (_m, _b, re: string | undefined) => `(${re ?? "[^/]+"})`);
      return new RegExp(`^${pattern}$`).test(bare);
    });
    return route && `${route.method} ${route.path}`;
  }

  /** Every call answers 404 to `who`, shows none of `secrets`, and (when refused) changes no table. */
  async function expectAll404(who: Caller, cases: Case[], secrets: string[], host = PLATFORM) {
    const before = await snap.digest(["api_logs"]);
    const wrong: string[] = [];
    for (const c of cases) {
      const route = routeOf(c.method, c.path);
      if (route) covered.add(route);
      const r = await call(who, c, host);
      if (r.status !== 404) wrong.push(`${c.method} ${c.path} → ${r.status} ${r.text.slice(0, 160)}`);
      for (const s of secrets) if (r.text.includes(s)) wrong.push(`${c.method} ${c.path} shows ${s}`);
    }
    expect(wrong).toEqual([]);
    expect(changedTables(before, await snap.digest(["api_logs"]))).toEqual([]);
  }

  async function expectAllOk(who: Caller, cases: Case[], host = PLATFORM) {
    const wrong: string[] = [];
    for (const c of cases) {
      const r = await call(who, c, host);
      if (r.status !== 200) wrong.push(`${c.method} ${c.path} → ${r.status} ${r.text.slice(0, 160)}`);
    }
    expect(wrong).toEqual([]);
  }

  async function v2(fields: Record<string, string>, host = PLATFORM) {
    const res = await t.w.p.request("/api/v2", {
      method: "POST",
      host,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: res.status, json: await body(res) };
  }

  const invoiceOf = new Map<string, string>();
  beforeAll(async () => {
    t = await tenants(dialect);
    const p = t.w.p;
    const latest = async (userId: number) =>
      (await p.services.db.selectFrom("notifications").select("id").where("user_id", "=", userId).orderBy("id", "desc").executeTakeFirstOrThrow()).id;
    notes.p2 = t.p2.notification;
    // Each site's purchase invoice (src/white-label/invoices.ts), by site uuid.
    for (const site of [t.A, t.B]) {
      const inv = await p.services.db.selectFrom("invoices").select("uuid").where("user_id", "=", site.owner.user.id).orderBy("id").executeTakeFirstOrThrow();
      invoiceOf.set(site.uuid, inv.uuid);
    }
    await notify(p.ctx(), t.A.customer.user.id, { type: "test", title: "Note A" });
    notes.a = await latest(t.A.customer.user.id);
    await notify(p.ctx(), t.B.customer.user.id, { type: "test", title: "Note B" });
    notes.b = await latest(t.B.customer.user.id);
    const made = await p.request("/api/user/api-keys", {
      method: "POST",
      token: t.A.owner.token,
      json: { name: "reseller bot", permissions: [...PERMISSIONS] },
    });
    keys.aOwner = (await body(made)).data.key;
    snap = await snapshotter(p.services.db);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A platform user's resources through the platform's JSON API. */
  function platformResources(of: Tenants["p1"]): Case[] {
    return [
      { method: "GET", path: `/api/user/orders/${of.order.uuid}` },
      { method: "POST", path: `/api/user/orders/${of.order.uuid}/refill` },
      { method: "POST", path: `/api/user/orders/${of.order.uuid}/cancel` },
      { method: "GET", path: `/api/tickets/${of.ticket}` },
      { method: "POST", path: `/api/tickets/${of.ticket}/reply`, json: { message: "Intrusion" } },
      { method: "POST", path: `/api/tickets/${of.ticket}/close` },
      { method: "POST", path: `/api/notifications/${of.notification}/read` },
      { method: "DELETE", path: `/api/notifications/${of.notification}` },
      { method: "GET", path: `/api/user/api-keys/${of.key.id}` },
      { method: "GET", path: `/api/user/api-keys/${of.key.id}/logs` },
      { method: "DELETE", path: `/api/user/api-keys/${of.key.id}` },
    ];
  }

  it("a platform user gets 404 for every order, ticket, notification and key of another platform user, who reaches them", async () => {
    const cases = platformResources(t.p2);
    await expectAll404({ token: t.p1.token }, cases, [t.p2.key.raw.slice(0, 12)]);
    await expectAllOk(
      { token: t.p2.token },
      cases.filter((c) => c.method === "GET"),
    );
    // And through the developer API, with p1's own key.
    await expectAll404({ apiKey: t.p1.key.raw }, [{ method: "GET", path: `/api/v1/orders/${t.p2.order.uuid}` }], []);
    await expectAllOk({ apiKey: t.p2.key.raw }, [{ method: "GET", path: `/api/v1/orders/${t.p2.order.uuid}` }]);
  });

  it("a platform user gets 404 for another user's gateway payment, which its owner reads", async () => {
    const p = t.w.p;
    const now = dbNow(p.services.clock);
    const account = await forTenant(p.services.db, 0)
      .insertInto("gateway_accounts", {
        code: "matrix",
        kind: "cinetpay",
        name: "CinetPay",
        api_base: "http://127.0.0.1:9",
        credentials: sealCredentials(p.ctx(), 0, "matrix", { apikey: "k", site_id: "1", secret_key: "s" }),
        currency: "XOF",
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
    const uuid = randomUUID();
    await forTenant(p.services.db, 0)
      .insertInto("gateway_payments", {
        uuid,
        user_id: t.p2.user.id,
        gateway_account_id: Number(account.insertId),
        amount: 1_000_000_000,
        currency: "XOF",
        checkout_url: "http://127.0.0.1:9/checkout/secret-token",
        expires_at: now,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const cases: Case[] = [{ method: "GET", path: `/api/deposits/gateway/${uuid}` }];
    await expectAll404({ token: t.p1.token }, cases, ["secret-token"]);
    await expectAllOk({ token: t.p2.token }, cases);
  });

  it("site A's gateway accounts and payments: 404 to another reseller, a platform user and the admins, through any path; its owner reads them", async () => {
    const p = t.w.p;
    const now = dbNow(p.services.clock);
    const scope = forTenant(p.services.db, t.A.siteId);
    const account = await scope
      .insertInto("gateway_accounts", {
        code: "matrix-a",
        kind: "cinetpay",
        name: "CinetPay A",
        api_base: "http://127.0.0.1:9",
        credentials: sealCredentials(p.ctx(), t.A.siteId, "matrix-a", { apikey: "key-of-a-0001", site_id: "1", secret_key: "secret-of-a" }),
        currency: "XOF",
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
    const accountId = Number(account.insertId);
    const uuid = randomUUID();
    await scope
      .insertInto("gateway_payments", {
        uuid,
        user_id: t.A.customer.user.id,
        gateway_account_id: accountId,
        amount: 1_000_000_000,
        currency: "XOF",
        expires_at: now,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const base = `/api/white-label/sites/${t.A.uuid}`;
    const ofA: Case[] = [
      { method: "GET", path: `${base}/gateway-accounts` },
      { method: "POST", path: `${base}/gateway-accounts`, json: { kind: "cinetpay", name: "Stolen", currency: "XOF" } },
      { method: "PUT", path: `${base}/gateway-accounts/${accountId}`, json: { name: "Stolen" } },
      { method: "POST", path: `${base}/gateway-accounts/${accountId}/test` },
      { method: "DELETE", path: `${base}/gateway-accounts/${accountId}` },
      { method: "GET", path: `${base}/gateway-payments` },
      { method: "GET", path: `${base}/gateway-payments/${uuid}` },
    ];
    for (const token of [t.B.owner.token, t.p1.token, t.admin.token]) await expectAll404({ token }, ofA, [t.A.customer.user.username, "secret-of-a"]);
    const viaB = `/api/white-label/sites/${t.B.uuid}`;
    await expectAll404(
      { token: t.B.owner.token },
      [
        { method: "PUT", path: `${viaB}/gateway-accounts/${accountId}`, json: { name: "Stolen" } },
        { method: "POST", path: `${viaB}/gateway-accounts/${accountId}/test` },
        { method: "DELETE", path: `${viaB}/gateway-accounts/${accountId}` },
        { method: "GET", path: `${viaB}/gateway-payments/${uuid}` },
      ],
      [t.A.customer.user.username],
    );
    await expectAll404({ token: t.admin.token }, [{ method: "GET", path: `/api/admin/gateway-payments/${uuid}` }], [t.A.customer.user.username]);
    expect((await call({ token: t.admin.token }, { method: "GET", path: "/api/admin/gateway-payments?per_page=100" })).text).not.toContain(uuid);
    await expectAllOk(
      { token: t.A.owner.token },
      ofA.filter((c) => c.method === "GET"),
    );
  });

  it("a user gets 404 ending another user's session, which keeps working", async () => {
    const [session] = (await body(await t.w.p.request("/api/user/sessions", { token: t.p2.token }))).data as { id: string }[];
    const cases: Case[] = [{ method: "DELETE", path: `/api/user/sessions/${session!.id}` }];
    for (const token of [t.p1.token, t.admin.token, t.A.owner.token]) await expectAll404({ token }, cases, []);
    expect((await t.w.p.request("/api/me", { token: t.p2.token })).status).toBe(200);
  });

  it("a site's orders, tickets and notifications are not reachable through the platform API by any platform user", async () => {
    const siteThings: Case[] = [
      { method: "GET", path: `/api/user/orders/${t.A.order.uuid}` },
      { method: "POST", path: `/api/user/orders/${t.A.order.uuid}/cancel` },
      { method: "GET", path: `/api/tickets/${t.A.ticket}` },
      { method: "POST", path: `/api/tickets/${t.A.ticket}/reply`, json: { message: "Intrusion" } },
      { method: "POST", path: `/api/notifications/${notes.a}/read` },
      { method: "DELETE", path: `/api/notifications/${notes.a}` },
    ];
    // Not even by the site's owner: a customer's order is the customer's, not the reseller's platform order.
    for (const token of [t.p1.token, t.A.owner.token, t.B.owner.token]) await expectAll404({ token }, siteThings, [t.A.customer.user.email]);
    await expectAll404({ apiKey: t.p1.key.raw }, [{ method: "GET", path: `/api/v1/orders/${t.A.order.uuid}` }], []);
    await expectAll404({ apiKey: keys.aOwner }, [{ method: "GET", path: `/api/v1/orders/${t.A.order.uuid}` }], []);
    // The owner's own platform order that fulfils it is his, and only his.
    await expectAllOk({ token: t.A.owner.token }, [{ method: "GET", path: `/api/user/orders/${t.A.fulfil.uuid}` }]);
    await expectAll404({ token: t.B.owner.token }, [{ method: "GET", path: `/api/user/orders/${t.A.fulfil.uuid}` }], []);
  });

  /** Every management endpoint of a site, with the ids of `of`'s resources. */
  function resellerEndpoints(siteUuid: string, of: Tenants["A"]): Case[] {
    const base = `/api/white-label/sites/${siteUuid}`;
    return [
      { method: "GET", path: base },
      { method: "PUT", path: `${base}/branding`, json: { tagline: "Volé" } },
      { method: "PUT", path: `${base}/pricing`, json: { default_margin: "1" } },
      { method: "POST", path: `${base}/pricing/preview`, json: { default_margin: "1" } },
      { method: "GET", path: `${base}/currency` },
      { method: "PUT", path: `${base}/currency`, json: { currency: "XOF", rate: null } },
      { method: "PUT", path: `${base}/domain`, json: { custom_domain: "stolen.example.com" } },
      { method: "POST", path: `${base}/domain/verify` },
      { method: "POST", path: `${base}/renew` },
      { method: "GET", path: `${base}/invoices` },
      { method: "GET", path: `${base}/invoices/${invoiceOf.get(of.uuid)}` },
      { method: "POST", path: `${base}/plan/quote`, json: { plan_id: 3, billing_cycle: "yearly" } },
      { method: "POST", path: `${base}/plan`, json: { plan_id: 3, billing_cycle: "yearly" } },
      { method: "POST", path: `${base}/plan/keep` },
      { method: "POST", path: `${base}/cancel` },
      { method: "POST", path: `${base}/resume` },
      { method: "POST", path: `${base}/delete`, json: { confirm_slug: of.owner.site.slug } },
      { method: "GET", path: `${base}/stats` },
      { method: "GET", path: `${base}/stats?days=7` },
      { method: "GET", path: `${base}/orders?search=${encodeURIComponent(of.customer.user.email)}&status=pending` },
      { method: "GET", path: `${base}/customers` },
      { method: "GET", path: `${base}/customers/${of.customer.user.id}` },
      { method: "POST", path: `${base}/customers/${of.customer.user.id}/adjust-balance`, json: { amount: "100", reason: "Cadeau" } },
      { method: "POST", path: `${base}/customers/${of.customer.user.id}/toggle-ban`, json: {} },
      { method: "POST", path: `${base}/customers/${of.customer.user.id}/password-reset`, json: {} },
      { method: "GET", path: `${base}/deposits` },
      { method: "POST", path: `${base}/deposits/${of.deposit.id}/verify`, json: { action: "approve" } },
      { method: "GET", path: `${base}/orders` },
      { method: "GET", path: `${base}/orders/${of.order.uuid}` },
      { method: "GET", path: `${base}/tickets` },
      { method: "GET", path: `${base}/tickets/${of.ticket}` },
      { method: "POST", path: `${base}/tickets/${of.ticket}/reply`, json: { message: "Intrusion" } },
      { method: "POST", path: `${base}/tickets/${of.ticket}/close` },
      { method: "GET", path: `${base}/payment-methods` },
      { method: "POST", path: `${base}/payment-methods`, json: { code: "stolen", name: "Stolen" } },
      { method: "PUT", path: `${base}/payment-methods/${of.method}`, json: { name: "Stolen" } },
      { method: "DELETE", path: `${base}/payment-methods/${of.method}` },
      { method: "GET", path: `${base}/pages` },
      { method: "PUT", path: `${base}/pages/contact`, json: { body_fr: "Intrusion" } },
      { method: "GET", path: `${base}/catalogue` },
      { method: "GET", path: `${base}/catalogue/categories/${t.w.categoryId}` },
      { method: "PUT", path: `${base}/catalogue/categories/${t.w.categoryId}`, json: { name_fr: "Volé", featured: true } },
      { method: "POST", path: `${base}/catalogue/categories/${t.w.categoryId}/move`, json: { direction: "down" } },
      { method: "PUT", path: `${base}/catalogue/platforms/other`, json: { hidden: true } },
      { method: "GET", path: `${base}/catalogue/services?search=a` },
      { method: "GET", path: `${base}/catalogue/services/${t.serviceId}` },
      { method: "PUT", path: `${base}/catalogue/services/${t.serviceId}`, json: { name_fr: "Volé" } },
      { method: "DELETE", path: `${base}/catalogue/services/${t.serviceId}` },
    ];
  }

  it("another reseller, a platform user and a platform admin get 404 on every management endpoint of site A, whose owner reaches them", async () => {
    const all = resellerEndpoints(t.A.uuid, t.A);
    for (const token of [t.B.owner.token, t.p1.token, t.admin.token]) await expectAll404({ token }, all, [t.A.customer.user.email, t.A.owner.user.email]);
    await expectAllOk(
      { token: t.A.owner.token },
      all.filter((c) => c.method === "GET"),
    );
  });

  it("a reseller gets 404 for site A's (and the platform's) customers, deposits, orders, tickets and methods through its own site's path", async () => {
    const viaB = resellerEndpoints(t.B.uuid, t.A).filter((c) => /\/(customers|deposits|orders|tickets|payment-methods)\/[^/]+/.test(c.path));
    expect(viaB).toHaveLength(11);
    await expectAll404({ token: t.B.owner.token }, viaB, [t.A.customer.user.email]);
    const base = `/api/white-label/sites/${t.B.uuid}`;
    await expectAll404(
      { token: t.B.owner.token },
      [
        { method: "GET", path: `${base}/customers/${t.p1.user.id}` },
        { method: "POST", path: `${base}/customers/${t.p1.user.id}/adjust-balance`, json: { amount: "-1", reason: "Vol" } },
        { method: "POST", path: `${base}/customers/${t.p1.user.id}/password-reset`, json: {} },
        { method: "POST", path: `${base}/deposits/${t.p1.deposit.id}/verify`, json: { action: "approve" } },
        { method: "GET", path: `${base}/orders/${t.p1.order.uuid}` },
        { method: "GET", path: `${base}/orders/${t.A.fulfil.uuid}` },
        { method: "GET", path: `${base}/tickets/${t.p1.ticket}` },
        { method: "PUT", path: `${base}/payment-methods/${t.platformMethodId}`, json: { name: "Stolen" } },
      ],
      [t.p1.user.email],
    );
    // B's lists hold nothing of A's or the platform's, even searched for by A's customer's e-mail or A's order number.
    for (const list of [
      "/customers",
      "/deposits",
      "/orders",
      "/tickets",
      "/payment-methods",
      "/stats?days=30",
      `/orders?search=${encodeURIComponent(t.A.customer.user.email)}`,
      `/orders?search=${t.A.order.uuid}`,
    ]) {
      const text = (await call({ token: t.B.owner.token }, { method: "GET", path: `${base}${list}` })).text;
      for (const secret of [t.A.customer.user.email, t.A.order.uuid, t.A.ticket, t.A.deposit.uuid, t.p1.order.uuid, t.p1.ticket, t.p1.deposit.uuid])
        expect(text, `${list} shows ${secret}`).not.toContain(secret);
    }
  });

  it("the platform's admin API does not reach a site's customers, orders, deposits, tickets, payment methods or flagged referrals", async () => {
    const a = t.A;
    const siteReply = await forTenant(t.w.p.services.db, a.siteId)
      .insertInto("saved_replies", {
        title: "Site reply",
        body: "Only for site A",
        created_by: null,
        created_at: "2026-12-01 10:00:00.000",
        updated_at: "2026-12-01 10:00:00.000",
      })
      .executeTakeFirstOrThrow();
    const siteReplyId = Number(siteReply.insertId);
    // A site customer's referral flagged on site A (its referrer stands in as itself: only the tenant matters here).
    const stamp = "2026-11-24 10:00:00.000";
    const flag = await forTenant(t.w.p.services.db, a.siteId)
      .insertInto("referral_flags", {
        user_id: a.customer.user.id,
        referrer_id: a.customer.user.id,
        reason: "login_address",
        ip: "203.0.113.9",
        created_at: stamp,
        updated_at: stamp,
      })
      .executeTakeFirstOrThrow();
    const flagId = Number(flag.insertId);
    const flags = await call({ token: t.admin.token }, { method: "GET", path: "/api/admin/referrals/flags?per_page=100" });
    expect(flags.text).not.toContain(a.customer.user.username);
    await expectAll404(
      { token: t.admin.token },
      [
        { method: "GET", path: `/api/admin/users/${a.customer.user.id}` },
        { method: "PUT", path: `/api/admin/users/${a.customer.user.id}`, json: { full_name: "Stolen" } },
        { method: "POST", path: `/api/admin/users/${a.customer.user.id}/toggle-ban`, json: {} },
        { method: "POST", path: `/api/admin/users/${a.customer.user.id}/adjust-balance`, json: { amount: "-1", reason: "Vol" } },
        { method: "DELETE", path: `/api/admin/users/${a.customer.user.id}` },
        { method: "GET", path: `/api/admin/orders/${a.order.id}` },
        { method: "PUT", path: `/api/admin/orders/${a.order.id}/status`, json: { status: "completed" } },
        { method: "POST", path: `/api/admin/orders/${a.order.id}/refund`, json: { reason: "Vol de données" } },
        { method: "POST", path: `/api/admin/orders/${a.order.id}/reconcile`, json: { action: "refund" } },
        { method: "POST", path: `/api/admin/finance/transactions/${a.deposit.id}/verify`, json: { action: "approve" } },
        { method: "PUT", path: `/api/admin/finance/payment-methods/${a.method}`, json: { name: "Stolen" } },
        { method: "DELETE", path: `/api/admin/finance/payment-methods/${a.method}` },
        { method: "POST", path: `/api/admin/users/${a.customer.user.id}/password-reset` },
        { method: "GET", path: `/api/admin/users/${a.customer.user.id}/sessions` },
        { method: "GET", path: `/api/admin/users/${a.customer.user.id}/api-keys` },
        { method: "GET", path: `/api/admin/users/${a.customer.user.id}/referrals` },
        { method: "GET", path: `/api/admin/finance/deposits/${a.deposit.id}` },
        { method: "GET", path: `/api/admin/users/${a.customer.user.id}/prices` },
        { method: "PUT", path: `/api/admin/users/${a.customer.user.id}/prices`, json: { service_id: 1, rate: "1" } },
        { method: "DELETE", path: `/api/admin/users/${a.customer.user.id}/prices/1` },
        { method: "GET", path: `/api/admin/support/tickets/${a.ticket}` },
        { method: "POST", path: `/api/admin/support/tickets/${a.ticket}/reply`, json: { message: "Intrusion" } },
        { method: "POST", path: `/api/admin/support/tickets/${a.ticket}/assign`, json: { admin_id: t.admin.user.id } },
        { method: "POST", path: `/api/admin/support/tickets/${a.ticket}/close` },
        { method: "PUT", path: `/api/admin/support/saved-replies/${siteReplyId}`, json: { title: "Stolen", body: "Stolen" } },
        { method: "DELETE", path: `/api/admin/support/saved-replies/${siteReplyId}` },
        { method: "POST", path: `/api/admin/referrals/flags/${flagId}/approve` },
        { method: "POST", path: `/api/admin/referrals/flags/${flagId}/reject` },
      ],
      [a.customer.user.email, a.customer.user.username],
    );
    expect((await call({ token: t.admin.token }, { method: "GET", path: "/api/admin/support/saved-replies" })).text).not.toContain("Only for site A");
    // Pages: the admin reads and writes the platform's, never a site's.
    const sitePage = await call(
      { token: a.owner.token },
      { method: "PUT", path: `/api/white-label/sites/${a.uuid}/pages/faq`, json: { body_fr: "Secret de A" } },
    );
    expect(sitePage.status).toBe(200);
    expect((await call({ token: t.admin.token }, { method: "GET", path: "/api/admin/pages/faq" })).text).not.toContain("Secret de A");
    expect((await call({ token: t.admin.token }, { method: "PUT", path: "/api/admin/pages/faq", json: { body_fr: "Page de la plateforme" } })).status).toBe(
      200,
    );
    const siteFaq = await t.w.p.request("/faq", { host: a.host });
    expect(await siteFaq.text()).not.toContain("Page de la plateforme");
    // The same calls reach the platform's own user, order, deposit and ticket: the 404s above are about the tenant.
    await expectAllOk({ token: t.admin.token }, [
      { method: "GET", path: `/api/admin/users/${t.p1.user.id}` },
      { method: "GET", path: `/api/admin/orders/${t.p1.order.id}` },
      { method: "GET", path: `/api/admin/support/tickets/${t.p1.ticket}` },
    ]);
    for (const list of [
      "/api/admin/users?per_page=100",
      "/api/admin/orders?per_page=100",
      "/api/admin/finance/transactions?per_page=100",
      "/api/admin/support/tickets?per_page=100",
      "/api/admin/finance/payment-methods",
    ]) {
      const text = (await call({ token: t.admin.token }, { method: "GET", path: list })).text;
      for (const secret of [a.customer.user.email, a.order.uuid, a.deposit.uuid, a.ticket, t.B.customer.user.email])
        expect(text, `${list} shows ${secret}`).not.toContain(secret);
    }
  });

  it("list filters naming another tenant's user, order or customer find nothing; the same filters find the tenant's own", async () => {
    const total = async (token: string, path: string) => {
      const r = await call({ token }, { method: "GET", path });
      expect(r.status, path).toBe(200);
      return JSON.parse(r.text).meta.total as number;
    };
    const a = t.A.customer.user;
    const adminFilters = (u: { id: number; username: string }, order: string) => [
      `/api/admin/users?search=${u.username}`,
      `/api/admin/orders?user_id=${u.id}`,
      `/api/admin/orders?search=${order}`,
      `/api/admin/finance/transactions?user_id=${u.id}`,
      `/api/admin/support/tickets?user_id=${u.id}`,
    ];
    for (const path of adminFilters(a, t.A.order.uuid)) expect(await total(t.admin.token, path), path).toBe(0);
    for (const path of adminFilters(t.p1.user, t.p1.order.uuid)) expect(await total(t.admin.token, path), path).toBeGreaterThan(0);
    const resellerFilters = (site: string, u: { id: number; username: string }) => [
      `/api/white-label/sites/${site}/customers?search=${u.username}`,
      `/api/white-label/sites/${site}/tickets?user_id=${u.id}`,
    ];
    for (const u of [a, t.p1.user]) for (const path of resellerFilters(t.B.uuid, u)) expect(await total(t.B.owner.token, path), path).toBe(0);
    for (const path of resellerFilters(t.A.uuid, a)) expect(await total(t.A.owner.token, path), path).toBeGreaterThan(0);
  });

  it("a ticket cannot be tied to another user's or another tenant's order", async () => {
    for (const order of [t.p2.order.uuid, t.A.order.uuid, t.A.fulfil.uuid]) {
      const res = await t.w.p.request("/api/tickets", {
        method: "POST",
        token: t.p1.token,
        json: { subject: "Commande", message: "Bonjour", order_uuid: order },
      });
      expect(res.status).toBe(422);
      expect((await body(res)).error.details.order_uuid).toBeDefined();
    }
    const mine = await t.w.p.request("/api/tickets", {
      method: "POST",
      token: t.p1.token,
      json: { subject: "Commande", message: "Bonjour", order_uuid: t.p1.order.uuid },
    });
    expect(mine.status).toBe(201);
  });

  it("lists show a platform user only their own orders, tickets, deposits, notifications and keys", async () => {
    const secrets = [t.p2.order.uuid, t.p2.ticket, t.p2.deposit.uuid, t.p2.key.id, t.A.order.uuid, t.A.ticket, t.A.deposit.uuid, t.A.fulfil.uuid, "Note A"];
    for (const path of [
      "/api/user/orders?per_page=100",
      "/api/tickets?per_page=100",
      "/api/wallet/transactions?per_page=100",
      "/api/notifications?per_page=100",
      "/api/user/api-keys?per_page=100",
      "/api/white-label/sites",
      "/api/referrals/list",
      "/api/referrals/commissions",
    ]) {
      const r = await call({ token: t.p1.token }, { method: "GET", path });
      expect(r.status, path).toBe(200);
      for (const s of secrets) expect(r.text, `${path} shows ${s}`).not.toContain(s);
    }
    const own = (await call({ token: t.p1.token }, { method: "GET", path: "/api/user/orders" })).text;
    expect(own).toContain(t.p1.order.uuid);
    const v1 = (await call({ apiKey: t.p1.key.raw }, { method: "GET", path: "/api/v1/orders?per_page=100" })).text;
    expect(v1).toContain(t.p1.order.uuid);
    for (const s of secrets) expect(v1).not.toContain(s);
  });

  it("storefront pages: a customer of site A gets 404 for site B's and the platform's orders and tickets; a platform user for another's", async () => {
    const a = t.A.customer;
    const pages = (of: { order: string; ticket: string }) => [`/orders/${of.order}`, `/tickets/${of.ticket}`];
    for (const path of [
      ...pages({ order: t.B.order.uuid, ticket: t.B.ticket }),
      ...pages({ order: t.p1.order.uuid, ticket: t.p1.ticket }),
      `/orders/${t.A.fulfil.uuid}`,
    ]) {
      const res = await get(t.w.p, t.A.host, path, a.jar);
      expect(res.res.status, path).toBe(404);
    }
    for (const path of pages({ order: t.A.order.uuid, ticket: t.A.ticket })) expect((await get(t.w.p, t.A.host, path, a.jar)).res.status, path).toBe(200);
    // On B's host, A's cookie is nobody: the private pages send to the login form.
    const onB = await get(t.w.p, t.B.host, `/orders/${t.B.order.uuid}`, a.jar);
    expect(onB.res.status).toBe(303);
    expect(onB.res.headers.get("location")).toMatch(/^\/login/);
    // Platform pages, with a session token.
    for (const path of [...pages({ order: t.p2.order.uuid, ticket: t.p2.ticket }), ...pages({ order: t.A.order.uuid, ticket: t.A.ticket })]) {
      expect((await t.w.p.request(path, { token: t.p1.token })).status, path).toBe(404);
    }
    for (const path of pages({ order: t.p1.order.uuid, ticket: t.p1.ticket }))
      expect((await t.w.p.request(path, { token: t.p1.token })).status, path).toBe(200);
  });

  it("a session belongs to its tenant: a site customer's cookie is nobody on the platform or on another site, a platform token nobody on a site", async () => {
    const cookie = sessionCookie(t.A.customer.jar)!;
    expect((await t.w.p.request("/api/me", { token: cookie })).status).toBe(401);
    expect((await t.w.p.request("/api/me", { token: cookie, host: t.B.host })).status).toBe(404);
    const res = await t.w.p.request("/account", { token: t.p1.token, host: t.A.host });
    expect(res.status).toBe(303);
    // The token works where it was issued: the checks above can fail.
    expect((await t.w.p.request("/account", { token: cookie, host: t.A.host })).status).toBe(200);
  });

  it("/api/v2 names orders by their number in the key's tenant: another tenant's or another user's order never answers, on every host, and keys only work on their tenant", async () => {
    const db = t.w.p.services.db;
    const status = (key: string, order: number, host = PLATFORM) => v2({ key, action: "status", order: String(order) }, host);
    const num = (o: { number: number | null }) => o.number!;
    /** What `status` must answer for `number` asked by `userId` on `siteId`: only that user's own order of that number there. */
    const expected = async (siteId: number, userId: number, number: number) => {
      const own = await db
        .selectFrom("orders")
        .select(["uuid"])
        .where("site_id", "=", siteId)
        .where("user_id", "=", userId)
        .where("number", "=", number)
        .executeTakeFirst();
      return own ? "own" : "none";
    };
    const answerOf = (json: Record<string, unknown>) =>
      typeof json.status === "string" ? "own" : json.error === "Incorrect order ID" ? "none" : JSON.stringify(json);
    // The platform: p1's key; the reseller's platform key sees its platform (fulfilling) order.
    expect(answerOf((await status(t.p1.key.raw, num(t.p1.order))).json)).toBe("own");
    expect(answerOf((await status(keys.aOwner, num(t.A.fulfil))).json)).toBe("own");
    for (const other of [t.p2.order, t.A.order, t.B.order, t.A.fulfil]) {
      expect(answerOf((await status(t.p1.key.raw, num(other))).json), `#${num(other)} for p1`).toBe(await expected(0, t.p1.user.id, num(other)));
      expect(answerOf((await status(keys.aOwner, num(other))).json), `#${num(other)} for A's owner`).toBe(await expected(0, t.A.owner.user.id, num(other)));
    }
    // Site A: its customer's key, with A's numbers only.
    expect(answerOf((await status(t.A.key, num(t.A.order), t.A.host)).json)).toBe("own");
    for (const other of [t.B.order, t.p1.order, t.p2.order, t.A.fulfil])
      expect(answerOf((await status(t.A.key, num(other), t.A.host)).json), `#${num(other)} on A`).toBe(
        await expected(t.A.siteId, t.A.customer.user.id, num(other)),
      );
    // A number nobody has on A is refused, even though the platform and B have orders of that number.
    const unused = Math.max(num(t.B.order), num(t.p1.order), num(t.p2.order), num(t.A.fulfil), num(t.A.order)) + 1;
    const batch = await v2({ key: t.A.key, action: "status", orders: `${num(t.A.order)},${unused}` }, t.A.host);
    expect(batch.json[String(unused)]).toEqual({ error: "Incorrect order ID" });
    expect(batch.json[String(num(t.A.order))].status).toBeTypeOf("string");
    for (const action of [
      { action: "refill", order: String(unused) },
      { action: "cancel", orders: String(unused) },
    ] as Record<string, string>[]) {
      expect(JSON.stringify((await v2({ key: t.A.key, ...action }, t.A.host)).json), action.action).toContain("Incorrect order ID");
    }
    // A key is only known on its own tenant.
    expect((await v2({ key: t.A.key, action: "balance" }, t.B.host)).json).toEqual({ error: "Invalid API key" });
    expect((await v2({ key: t.A.key, action: "balance" })).json).toEqual({ error: "Invalid API key" });
    expect((await v2({ key: t.p1.key.raw, action: "balance" }, t.A.host)).json).toEqual({ error: "Invalid API key" });
    expect((await v2({ key: t.A.key, action: "balance" }, t.A.host)).json.balance).toBeTypeOf("string");
  });

  it("a site's uploaded logo is served on its own host only", async () => {
    for (const file of ["logo.png", "favicon-32.png"]) {
      const path = `/uploads/sites/${t.A.uuid}/${file}`;
      expect((await t.w.p.request(path, { host: t.A.host })).status, `${file} on A`).toBe(200);
      expect((await t.w.p.request(path, { host: t.B.host })).status, `${file} on B`).toBe(404);
      expect((await t.w.p.request(path)).status, `${file} on the platform`).toBe(404);
    }
    for (const path of [
      `/uploads/sites/${t.A.uuid}/../${t.B.uuid}/logo.png`,
      `/uploads/sites/${t.B.uuid}/logo.png`,
      `/uploads/sites/${t.A.uuid}/%2e%2e%2f%2e%2e%2ftest.db`,
    ]) {
      expect((await t.w.p.request(path, { host: t.A.host })).status, path).toBe(404);
    }
  });

  it("the matrix tried every route that names a tenant's resource by id on another party's resource", () => {
    // Platform-wide catalogue and estate settings, and the platform's own pages, are not any site's data.
    const global = /^(PUT|POST|GET|DELETE) \/api\/admin\/(services|settings|white-label|pages)\//;
    const resourceRoutes = [
      ...new Set(t.w.p.app.routes.filter((r) => r.method !== "ALL" && /^\/api\//.test(r.path) && r.path.includes(":")).map((r) => `${r.method} ${r.path}`)),
    ].filter((k) => !global.test(k));
    expect(resourceRoutes.length).toBeGreaterThan(40);
    expect(resourceRoutes.filter((k) => !covered.has(k))).toEqual([]);
  });

  it("after all of it, the ledger holds", async () => {
    expect(await ledgerViolations(t.w.p.ctx())).toEqual([]);
  });
});
