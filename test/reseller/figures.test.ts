import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { formatMoney, parseMoney } from "../../src/money/money.ts";
import { csrfFrom, get, post, registerThroughForm } from "../storefront/helpers.ts";
import { plainSpaces } from "../harness/money.ts";
import {
  activeMethod,
  api,
  balanceOf,
  customerOf,
  customerOrder,
  customerTicket,
  expectLedgerHolds,
  fund,
  insertService,
  pendingDeposit,
  resellerSite,
  whiteLabelPlatform,
  type Reseller,
} from "./helpers.ts";

const HOST = "izyboost.test";

describeEachDialect("a reseller's figures, orders search and method fees", (dialect) => {
  let p: TestPlatform & { dataDir: string };
  let likes: { id: number };
  let views: { id: number };
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
    likes = await insertService(p, { rate: "1000", name: "Instagram likes (figures)" });
    views = await insertService(p, { rate: "200", name: "TikTok views (figures)" });
  });
  afterAll(async () => {
    await settleDispatchKicks(p.services);
    await p.close();
  });

  const getJson = async (r: Reseller, path: string) => {
    const res = await p.request(api(r, path), { token: r.token });
    return { status: res.status, body: await body(res) };
  };
  const siteOrderRows = (siteId: number) =>
    p.services.db.selectFrom("orders").select(["charge", "refunded", "provider_cost", "service_id"]).where("site_id", "=", siteId).execute();

  it("a site's figures are the sum of its own orders, never another site's", async () => {
    const a = await resellerSite(p);
    const b = await resellerSite(p);
    const ca = await customerOf(p, a, "50000");
    const ca2 = await customerOf(p, a, "0");
    const cb = await customerOf(p, b, "50000");
    await customerOrder(p, a, ca, likes.id, 1000);
    await customerOrder(p, a, ca, likes.id, 2000);
    await customerOrder(p, a, ca, views.id, 5000);
    await customerOrder(p, b, cb, likes.id, 3000);
    // A partly refunded order of site A: its refund lowers revenue and the provider's share of its cost.
    const partial = await customerOrder(p, a, ca, views.id, 1000);
    await p.services.db
      .updateTable("orders")
      .set({ refunded: Math.floor(Number(partial.order.charge) / 4), status: "partial" })
      .where("id", "=", partial.order.id)
      .execute();

    const rows = await siteOrderRows(a.tenant.siteId);
    expect(rows).toHaveLength(4);
    const revenue = rows.reduce((s, o) => s + Number(o.charge) - Number(o.refunded), 0);
    const cost = rows.reduce((s, o) => {
      const c = BigInt(o.provider_cost);
      const refunded = BigInt(o.refunded);
      return s + Number(refunded > 0n ? c - (c * refunded) / BigInt(o.charge) : c);
    }, 0);

    const { status, body: stats } = await getJson(a, "/stats?days=7");
    expect(status).toBe(200);
    const period = stats.data.period;
    expect(period).toMatchObject({ orders: 4, revenue: formatMoney(revenue), cost: formatMoney(cost), profit: formatMoney(revenue - cost), new_customers: 2 });
    expect(period.days).toHaveLength(7);
    expect(period.days.reduce((s: number, d: { orders: number }) => s + d.orders, 0)).toBe(4);
    expect(period.days.reduce((s: number, d: { revenue: string }) => s + parseMoney(d.revenue)!, 0)).toBe(revenue);
    // Backward compatible: the figures of before are still there.
    expect(stats.data.orders.all_time.count).toBe(4);
    expect(stats.data.customers.total).toBe(2);
    const byRevenue = period.top_services_by_revenue as { id: number; orders: number; revenue: string }[];
    expect(byRevenue.map((s) => s.id).sort()).toEqual([likes.id, views.id].sort());
    const likesRevenue = rows.filter((o) => o.service_id === likes.id).reduce((s, o) => s + Number(o.charge) - Number(o.refunded), 0);
    expect(byRevenue.find((s) => s.id === likes.id)).toMatchObject({ orders: 2, revenue: formatMoney(likesRevenue) });

    // Site B sees only its one order.
    const other = (await getJson(b, "/stats?days=1")).body.data.period;
    expect(other).toMatchObject({ orders: 1, new_customers: 1 });
    expect(ca2.site_id).toBe(a.tenant.siteId);

    // A chosen range is checked: 422 naming the field, and nothing else.
    const refused = await getJson(a, "/stats?from=2026-02-30&to=2026-03-01");
    expect(refused.status).toBe(422);
    expect(Object.keys(refused.body.error.details)).toEqual(["from"]);
    expect((await getJson(a, "/stats?days=2")).status).toBe(422);
  });

  it("the orders list filters by status, service and dates and finds an order by number, link or the customer's e-mail", async () => {
    const r = await resellerSite(p);
    const c1 = await customerOf(p, r, "50000");
    const c2 = await customerOf(p, r, "50000");
    const o1 = await customerOrder(p, r, c1, likes.id, 1000);
    const o2 = await customerOrder(p, r, c2, views.id, 2000);
    await p.services.db.updateTable("orders").set({ link: "https://tiktok.com/@unique-figures-link" }).where("id", "=", o2.order.id).execute();
    await p.services.db.updateTable("orders").set({ status: "completed" }).where("id", "=", o1.order.id).execute();
    const ids = async (query: string) => {
      const res = await getJson(r, `/orders?${query}`);
      expect(res.status, query).toBe(200);
      return (res.body.data as { uuid: string }[]).map((o) => o.uuid);
    };
    expect((await ids("")).sort()).toEqual([o1.order.uuid, o2.order.uuid].sort());
    expect(await ids("status=completed")).toEqual([o1.order.uuid]);
    expect(await ids(`service_id=${views.id}`)).toEqual([o2.order.uuid]);
    expect(await ids(`search=${encodeURIComponent(c1.email)}`)).toEqual([o1.order.uuid]);
    expect(await ids("search=unique-figures")).toEqual([o2.order.uuid]);
    expect(await ids(`search=%23${o2.order.number}`)).toEqual([o2.order.uuid]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await ids(`from=${today}&to=${today}`)).length).toBe(2);
    expect(await ids("from=2020-01-01&to=2020-01-02")).toEqual([]);
    // Each row keeps the client price, the cost and the margin.
    const row = (await getJson(r, `/orders?search=%23${o1.order.number}`)).body.data[0];
    expect(row).toHaveProperty("site_price");
    expect(row).toHaveProperty("reseller_cost");
    expect(row).toHaveProperty("profit");
    const bad = await getJson(r, "/orders?from=yesterday");
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.details)).toEqual(["from"]);
    const reversed = await getJson(r, "/orders?from=2026-03-02&to=2026-03-01");
    expect(reversed.status).toBe(422);
  });

  it("the owner gets one notice counting ten orders, one for deposits awaiting approval and one for new tickets", async () => {
    const r = await resellerSite(p, "500000");
    const c = await customerOf(p, r, "100000");
    let total = 0;
    for (let i = 0; i < 10; i++) total += Number((await customerOrder(p, r, c, likes.id, 1000)).order.charge);
    const method = await activeMethod(p, r);
    await pendingDeposit(p, r, c, method.id, "2000");
    await pendingDeposit(p, r, c, method.id, "3000");
    await customerTicket(p, r, c, "Première question");
    await customerTicket(p, r, c, "Deuxième question");
    const notes = await p.services.db
      .selectFrom("notifications")
      .select(["type", "title", "body", "data", "group_count"])
      .where("user_id", "=", r.user.id)
      .where("type", "like", "site_owner.%")
      .orderBy("id")
      .execute();
    expect(notes.map((n) => [n.type, Number(n.group_count)])).toEqual([
      ["site_owner.orders", 10],
      ["site_owner.deposits", 2],
      ["site_owner.tickets", 2],
    ]);
    const orders = notes[0]!;
    expect(JSON.parse(orders.data!)).toMatchObject({ count: 10, total: formatMoney(total) });
    expect(plainSpaces(orders.title)).toMatch(/^10 /);
    // Read, the group closes: the next order opens a new notice that counts from one.
    await p.services.db.updateTable("notifications").set({ read_at: "2026-01-01 00:00:00.000" }).where("user_id", "=", r.user.id).execute();
    await customerOrder(p, r, c, likes.id, 1000);
    const after = await p.services.db
      .selectFrom("notifications")
      .select(["group_count", "read_at"])
      .where("user_id", "=", r.user.id)
      .where("type", "=", "site_owner.orders")
      .orderBy("id")
      .execute();
    expect(after.map((n) => [Number(n.group_count), n.read_at === null])).toEqual([
      [10, false],
      [1, true],
    ]);
  });

  it("concurrent orders and deposits are each counted once in the owner's one notice of their kind", async () => {
    const r = await resellerSite(p, "500000");
    const customers = await Promise.all(Array.from({ length: 8 }, () => customerOf(p, r, "20000")));
    await Promise.all(customers.map((c) => customerOrder(p, r, c, likes.id, 1000)));
    const notes = await p.services.db
      .selectFrom("notifications")
      .select(["group_count", "group_total", "data"])
      .where("user_id", "=", r.user.id)
      .where("type", "=", "site_owner.orders")
      .execute();
    expect(notes).toHaveLength(1);
    expect(Number(notes[0]!.group_count)).toBe(8);
    const charged = (await siteOrderRows(r.tenant.siteId)).reduce((s, o) => s + Number(o.charge), 0);
    expect(Number(notes[0]!.group_total)).toBe(charged);
    expect(JSON.parse(notes[0]!.data!).count).toBe(8);
    // Deposits take no lock in common: the notice's unique group key and conditional update count them once each.
    const method = await activeMethod(p, r);
    await Promise.all(customers.map((c) => pendingDeposit(p, r, c, method.id, "1000")));
    const deposits = await p.services.db
      .selectFrom("notifications")
      .select(["group_count", "group_total"])
      .where("user_id", "=", r.user.id)
      .where("type", "=", "site_owner.deposits")
      .execute();
    expect(deposits.map((n) => [Number(n.group_count), Number(n.group_total)])).toEqual([[8, 8 * parseMoney("1000")!]]);
    await expectLedgerHolds(p);
  });

  it("a method's fees, set by the reseller, are taken from a customer's deposit, and the ledger holds", async () => {
    const r = await resellerSite(p);
    const method = await activeMethod(p, r, { fee_percent: "2,5", fee_fixed: "100", fee_min: "150", fee_max: "1000" });
    const listed = (await getJson(r, "/payment-methods")).body.data.find((m: { id: number }) => m.id === method.id);
    expect(listed.fee).toMatchObject({ percent_bp: 250, fixed: "100.00", min: "150.00", max: "1000.00" });
    const c = await customerOf(p, r);
    // 2.5% of 10 000 + 100 = 350.
    const dep = await pendingDeposit(p, r, c, method.id, "10000");
    expect(Number(dep.fee)).toBe(parseMoney("350"));
    expect(Number(dep.amount)).toBe(parseMoney("9650"));
    // Changing the rule through the same verb: the minimum applies to a small deposit.
    const put = await p.request(api(r, `/payment-methods/${method.id}`), { method: "PUT", token: r.token, json: { fee_percent: "1", fee_fixed: "0" } });
    expect(put.status).toBe(200);
    const small = await pendingDeposit(p, r, c, method.id, "1000");
    expect(Number(small.fee)).toBe(parseMoney("150"));
    const refusedFee = await p.request(api(r, `/payment-methods/${method.id}`), { method: "PUT", token: r.token, json: { fee_min: "2000" } });
    expect(refusedFee.status).toBe(422);
    expect(Object.keys((await body(refusedFee)).error.details)).toEqual(["fee_max"]);
    const ok = await p.request(api(r, `/deposits/${dep.id}/verify`), { method: "POST", token: r.token, json: { action: "approve" } });
    expect(ok.status).toBe(200);
    expect(await balanceOf(p, c.id)).toBe(parseMoney("9650"));
    await expectLedgerHolds(p);
  });

  it("the figures and orders pages render for the owner, with the chart, in French and English, and another user gets a 404", async () => {
    const { jar, username } = await registerThroughForm(p, HOST);
    const user = await p.services.db.selectFrom("users").selectAll().where("site_id", "=", 0).where("username", "=", username).executeTakeFirstOrThrow();
    await fund(p, user.id, "200000");
    const plan = await p.services.db.selectFrom("white_label_plans").select("id").where("slug", "=", "business").executeTakeFirstOrThrow();
    const template = await p.services.db.selectFrom("white_label_templates").select("id").where("slug", "=", "savane").executeTakeFirstOrThrow();
    const form = await get(p, HOST, "/white-label", jar);
    const bought = await post(p, HOST, "/white-label", jar, {
      confirm: "yes",
      _csrf: csrfFrom(form.html),
      plan_id: String(plan.id),
      template_id: String(template.id),
      billing_cycle: "monthly",
      site_name: "Boost Figures",
      slug: uniqueName("fg").toLowerCase(),
      custom_domain: "",
    });
    const uuid = /\/white-label\/sites\/([0-9a-f-]{36})/.exec(bought.res.headers.get("location") ?? "")![1]!;
    const site = await p.services.db.selectFrom("white_label_sites").selectAll().where("uuid", "=", uuid).executeTakeFirstOrThrow();
    const r = { tenant: { kind: "site" as const, siteId: site.id, site } };
    const c = await customerOf(p, r, "50000");
    const placed = await customerOrder(p, r, c, likes.id, 1000);
    const base = `/white-label/sites/${uuid}`;
    for (const [lang, words] of [
      ["fr", ["Chiffre d'affaires", "Bénéfice", "Nouveaux clients", "Instagram likes (figures)"]],
      ["en", ["Revenue", "Profit", "New customers", "Instagram likes (figures)"]],
    ] as const) {
      const { res, html } = await get(p, HOST, `${base}/figures?days=7&lang=${lang}`, jar);
      expect(res.status).toBe(200);
      expect(html).toContain("<svg");
      for (const w of words) expect(html.replaceAll("&#39;", "'")).toContain(w);
    }
    const refused = await get(p, HOST, `${base}/figures?from=2026-13-01&to=2026-01-02&lang=fr`, jar);
    expect(refused.res.status).toBe(422);
    expect(refused.html).toContain("Une date au format AAAA-MM-JJ.");
    expect(refused.html).toContain('value="2026-13-01"');

    const found = await get(p, HOST, `${base}/orders?search=${encodeURIComponent(c.email)}&lang=fr`, jar);
    expect(found.res.status).toBe(200);
    expect(found.html).toContain(`#${placed.order.number}`);
    const none = await get(p, HOST, `${base}/orders?search=nobody-at-all&lang=en`, jar);
    expect(none.html).toContain("No order matches these filters.");
    const bad = await get(p, HOST, `${base}/orders?from=hier&lang=fr`, jar);
    expect(bad.res.status).toBe(422);
    expect(bad.html).toContain('value="hier"');

    const stranger = await registerThroughForm(p, HOST);
    expect((await get(p, HOST, `${base}/figures`, stranger.jar)).res.status).toBe(404);
    expect((await get(p, HOST, `${base}/orders`, stranger.jar)).res.status).toBe(404);
  });
});
