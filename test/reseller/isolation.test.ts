import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, signUp, type TestPlatform } from "../harness/platform.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { parseMoney } from "../../src/money/money.ts";
import { registerThroughForm, get as getPage } from "../storefront/helpers.ts";
import {
  activeMethod,
  api,
  balanceOf,
  customerOf,
  customerOrder,
  customerTicket,
  expectLedgerHolds,
  insertService,
  signUpAdmin,
  pendingDeposit,
  resellerSite,
  whiteLabelPlatform,
  type Reseller,
} from "./helpers.ts";

describeEachDialect("reseller management isolation", (dialect) => {
  let p: TestPlatform & { dataDir: string };
  let service: { id: number };
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
    service = await insertService(p, { rate: "1000" });
  });
  afterAll(async () => {
    await settleDispatchKicks(p.services);
    await p.close();
  });

  /** Site A with one of everything: a customer with money, a pending deposit, an order, a ticket, a method. */
  async function siteWithData() {
    const a = await resellerSite(p);
    const method = await activeMethod(p, a);
    const customer = await customerOf(p, a, "5000");
    const deposit = await pendingDeposit(p, a, customer, method.id, "1000");
    const { order } = await customerOrder(p, a, customer, service.id);
    const ticket = await customerTicket(p, a, customer);
    return { a, method, customer, deposit, order, ticket };
  }

  /** Every management endpoint of site A, with A's own ids. */
  function endpoints(a: Reseller, ids: { customer: number; deposit: number; order: string; ticket: string; method: number }) {
    return [
      ["GET", "/stats"],
      ["GET", "/customers"],
      ["GET", `/customers/${ids.customer}`],
      ["POST", `/customers/${ids.customer}/adjust-balance`, { amount: "100", reason: "Cadeau" }],
      ["POST", `/customers/${ids.customer}/toggle-ban`, {}],
      ["GET", "/deposits"],
      ["POST", `/deposits/${ids.deposit}/verify`, { action: "approve" }],
      ["GET", "/orders"],
      ["GET", `/orders/${ids.order}`],
      ["GET", "/tickets"],
      ["GET", `/tickets/${ids.ticket}`],
      ["POST", `/tickets/${ids.ticket}/reply`, { message: "Hello" }],
      ["POST", `/tickets/${ids.ticket}/close`, {}],
      ["GET", "/payment-methods"],
      ["POST", "/payment-methods", { code: "x_pay", name: "X" }],
      ["PUT", `/payment-methods/${ids.method}`, { name: "Stolen" }],
      ["DELETE", `/payment-methods/${ids.method}`],
    ].map(([method, path, json]) => ({ method: method as string, path: api(a, path as string), json }));
  }

  it("another reseller, a plain user and a platform admin get 404 on every management endpoint of site A, and nothing changes", async () => {
    const { a, method, customer, deposit, order, ticket } = await siteWithData();
    const b = await resellerSite(p);
    const admin = await signUpAdmin(p);
    const nobody = await signUp(p);
    const all = endpoints(a, { customer: customer.id, deposit: deposit.id, order: order.uuid, ticket: ticket.uuid, method: method.id });
    expect(all).toHaveLength(17);
    for (const token of [b.token, admin.token, nobody.token]) {
      for (const e of all) {
        const res = await p.request(e.path, { method: e.method, token, json: e.json });
        expect(res.status, `${e.method} ${e.path}`).toBe(404);
        expect((await body(res)).error.code).toBe("not_found");
      }
    }
    // Anonymous callers are stopped at the mount.
    expect((await p.request(api(a, "/customers"))).status).toBe(401);
    // On a site host the platform API does not exist at all.
    expect((await p.request(api(a, "/customers"), { host: a.host, token: a.token })).status).toBe(404);

    expect(await balanceOf(p, customer.id)).toBe(parseMoney("5000")! - parseMoney("1300")!);
    const dep = await p.services.db.selectFrom("transactions").select("status").where("id", "=", deposit.id).executeTakeFirstOrThrow();
    expect(dep.status).toBe("pending");
    const m = await p.services.db.selectFrom("payment_methods").select(["name", "is_active"]).where("id", "=", method.id).executeTakeFirstOrThrow();
    expect(m).toEqual({ name: method.name, is_active: 1 });
    const t = await p.services.db.selectFrom("tickets").select("status").where("uuid", "=", ticket.uuid).executeTakeFirstOrThrow();
    expect(t.status).toBe("open");
    expect(
      await p.services.db
        .selectFrom("audit_logs")
        .select("id")
        .where("site_id", "=", a.tenant.siteId)
        .where("action", "not like", "site.payment_method.%")
        .execute(),
    ).toEqual([]);
    // The owner still reaches all of it (the 404s above were about who asked).
    for (const e of all.filter((x) => x.method === "GET")) expect((await p.request(e.path, { token: a.token })).status, e.path).toBe(200);
  });

  it("a reseller cannot reach another site's customer, deposit, order, ticket or method through its own site's path", async () => {
    const { method, customer, deposit, order, ticket } = await siteWithData();
    const b = await resellerSite(p);
    for (const e of endpoints(b, { customer: customer.id, deposit: deposit.id, order: order.uuid, ticket: ticket.uuid, method: method.id })) {
      if (!/\/(customers|deposits|orders|tickets|payment-methods)\/[^/]+/.test(e.path)) continue;
      const res = await p.request(e.path, { method: e.method, token: b.token, json: e.json });
      expect(res.status, `${e.method} ${e.path}`).toBe(404);
    }
    expect(await balanceOf(p, customer.id)).toBe(parseMoney("3700"));
    expect((await p.services.db.selectFrom("transactions").select("status").where("id", "=", deposit.id).executeTakeFirstOrThrow()).status).toBe("pending");
    // B's lists hold nothing of A's.
    for (const path of ["/customers", "/deposits", "/orders", "/tickets"]) {
      expect((await body(await p.request(api(b, path), { token: b.token }))).meta.total, path).toBe(0);
    }
  });

  it("verifying a deposit twice, even at the same moment, credits the customer once and keeps the ledger whole", async () => {
    const a = await resellerSite(p);
    const method = await activeMethod(p, a);
    const c = await customerOf(p, a);
    const dep = await pendingDeposit(p, a, c, method.id, "2500");
    const verify = () => p.request(api(a, `/deposits/${dep.id}/verify`), { method: "POST", token: a.token, json: { action: "approve" } });
    const statuses = (await Promise.all([verify(), verify()])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    expect((await verify()).status).toBe(409);
    expect(await balanceOf(p, c.id)).toBe(parseMoney("2500"));
    const credits = await p.services.db.selectFrom("transactions").select(["status", "amount"]).where("user_id", "=", c.id).execute();
    expect(credits).toEqual([{ status: "completed", amount: parseMoney("2500") }]);
    await expectLedgerHolds(p);
  });

  it("site A's payment methods never show on site B's /funds or in the platform's deposit methods", async () => {
    const a = await resellerSite(p);
    const b = await resellerSite(p);
    const mine = await activeMethod(p, a, { name: "Caisse Exclusive A" });
    const theirs = await activeMethod(p, b, { name: "Guichet Propre B" });

    const onB = await registerThroughForm(p, b.host);
    const fundsB = await getPage(p, b.host, "/funds", onB.jar);
    expect(fundsB.res.status).toBe(200);
    expect(fundsB.html).toContain(theirs.name);
    expect(fundsB.html).not.toContain(mine.name);
    // The same page on A shows A's method: the check above can fail.
    const onA = await registerThroughForm(p, a.host);
    expect((await getPage(p, a.host, "/funds", onA.jar)).html).toContain(mine.name);

    const platformUser = await signUp(p);
    const platform = await body(await p.request("/api/wallet/deposit-methods", { token: platformUser.token }));
    const names = platform.data.map((m: { name: string }) => m.name);
    expect(names).toContain("Orange Money");
    expect(names).not.toContain(mine.name);
    expect(names).not.toContain(theirs.name);
    // Nor may a platform user deposit with a site's method.
    const dep = await p.request("/api/wallet/deposit", {
      method: "POST",
      token: platformUser.token,
      json: { payment_method_id: mine.id, amount: "1000", reference: "REF-PLAT-1" },
    });
    expect(dep.status).toBe(422);
  });
});
