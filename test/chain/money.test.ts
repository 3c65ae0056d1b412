import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect } from "../harness/platform.ts";
import {
  addCalls,
  addService,
  adminToken,
  balanceOf,
  closeWorld,
  expectLedgerHolds,
  finishAtProvider,
  money,
  orderWorld,
  runSync,
  type World,
} from "../orders/support.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { createApiKey } from "../../src/developer-api/keys.ts";
import { NEUTRAL_REFUSAL } from "../../src/order-chain/chain.ts";
import { ALL_PERMISSIONS, v2 } from "../developer-api/helpers.ts";
import { csrfFrom, get } from "../storefront/helpers.ts";
import { chainOf, customerOn, notificationsOf, orderViaForm, refundsOf, siteWith } from "./support.ts";

// DESIGN §3: a site customer's order is charged the site price and fulfilled by the reseller's platform order at cost.
describeEachDialect("the storefront order chain: money on both sides", (dialect) => {
  let w: World;
  let service: { id: number };
  beforeAll(async () => {
    w = await orderWorld(dialect);
    service = await addService(w, { rate: "1000" });
  });
  afterEach(() => expectLedgerHolds(w));
  afterAll(() => closeWorld(w));

  it("charges the customer the site price and the reseller its cost in one go, records the profit and sends only the platform order", async () => {
    const s = await siteWith(w, { resellerFunds: "1000", marginBp: 5000 });
    const c = await customerOn(w, s, "500");
    const addsBefore = await addCalls(w);
    const placed = await orderViaForm(w, c, { service: String(service.id), link: "https://instagram.com/p/chain", quantity: "100" });
    expect(placed.status).toBe(303);
    expect(placed.uuid).not.toBeNull();

    const { customer, platform, link } = await chainOf(w, placed.uuid!);
    expect(customer).toMatchObject({
      site_id: s.siteId,
      user_id: c.user.id,
      charge: money("150"),
      rate: money("1500"),
      dispatch_state: "delegated",
      provider_order_id: null,
      source: "storefront",
    });
    expect(platform).toMatchObject({
      site_id: 0,
      user_id: s.owner.user.id,
      charge: money("100"),
      rate: money("1000"),
      parent_order_id: customer.id,
      dispatch_state: "sent",
    });
    expect(link).toMatchObject({ site_id: s.siteId, site_price: money("150"), reseller_cost: money("100"), profit: money("50") });
    expect(await balanceOf(w, c.user.id)).toBe(money("350"));
    expect(await balanceOf(w, s.owner.user.id)).toBe(money("900"));
    expect(await addCalls(w)).toBe(addsBefore + 1);
    // The customer's order follows its platform order as it is sent and delivered.
    expect(customer.status).toBe("processing");
    finishAtProvider(w);
    await runSync(w);
    const done = await chainOf(w, placed.uuid!);
    expect(done.platform).toMatchObject({ status: "completed", remains: 0 });
    expect(done.customer).toMatchObject({ status: "completed", remains: 0, refunded: 0 });
    expect(done.customer.completed_at).not.toBeNull();
    expect(await refundsOf(w, c.user.id)).toEqual([]);
  });

  it("refuses neutrally when the reseller cannot pay: nothing is charged anywhere and the reseller is told, once an hour", async () => {
    const s = await siteWith(w, { resellerFunds: "50", marginBp: 5000 });
    await w.p.services.db.updateTable("users").set({ language: "en" }).where("id", "=", s.owner.user.id).execute();
    const c = await customerOn(w, s, "500");
    const refused = await orderViaForm(w, c, { service: String(service.id), link: "https://instagram.com/p/dry", quantity: "100" });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain("Ce service est momentanément indisponible");
    expect(refused.html).not.toMatch(/revendeur|reseller|solde insuffisant/i);
    expect(await balanceOf(w, c.user.id)).toBe(money("500"));
    expect(await balanceOf(w, s.owner.user.id)).toBe(money("50"));
    expect(await w.p.services.db.selectFrom("orders").select("id").where("user_id", "in", [c.user.id, s.owner.user.id]).execute()).toEqual([]);
    expect(await w.p.services.db.selectFrom("site_orders").select("id").where("site_id", "=", s.siteId).execute()).toEqual([]);
    const notes = await notificationsOf(w, s.owner.user.id);
    expect(notes.map((n) => [n.type, n.title])).toEqual([["site_order_refused", `Order refused on ${s.tenant.site.name}: insufficient balance`]]);
    expect(notes[0]!.body).toContain(s.tenant.site.name);

    const again = await orderViaForm(w, c, { service: String(service.id), link: "https://instagram.com/p/dry", quantity: "100" });
    expect(again.status).toBe(422);
    expect(await notificationsOf(w, s.owner.user.id)).toHaveLength(1);
    expect(await notificationsOf(w, c.user.id)).toEqual([]);
  });

  it("answers 422 insufficient balance when the customer cannot pay, and leaves the reseller alone", async () => {
    const s = await siteWith(w, { resellerFunds: "1000", marginBp: 5000 });
    const c = await customerOn(w, s, "149");
    const refused = await orderViaForm(w, c, { service: String(service.id), link: "https://instagram.com/p/poor", quantity: "100" });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain("Solde insuffisant");
    expect(await balanceOf(w, c.user.id)).toBe(money("149"));
    expect(await balanceOf(w, s.owner.user.id)).toBe(money("1000"));
    expect(await notificationsOf(w, s.owner.user.id)).toEqual([]);
    expect(await w.p.services.db.selectFrom("orders").select("id").where("user_id", "in", [c.user.id, s.owner.user.id]).execute()).toEqual([]);
  });

  it("a form sent twice with the same idempotency key places one order, charged once on each side", async () => {
    const s = await siteWith(w, { resellerFunds: "1000", marginBp: 5000 });
    const c = await customerOn(w, s, "500");
    const fields = { service: String(service.id), link: "https://instagram.com/p/twice", quantity: "100" };
    const first = await orderViaForm(w, c, fields);
    const second = await orderViaForm(w, c, fields, { reuseKeyFrom: first.key });
    expect([first.status, second.status]).toEqual([303, 303]);
    expect(second.uuid).toBe(first.uuid);
    const other = await orderViaForm(w, c, { ...fields, quantity: "200" }, { reuseKeyFrom: first.key });
    expect(other.status).toBe(422);
    expect(other.html).toContain("Ce formulaire a déjà été envoyé");
    expect(await w.p.services.db.selectFrom("site_orders").select("id").where("site_id", "=", s.siteId).execute()).toHaveLength(1);
    expect(await balanceOf(w, c.user.id)).toBe(money("350"));
    expect(await balanceOf(w, s.owner.user.id)).toBe(money("900"));

    // The Idempotency-Key header works the same (scope: the customer).
    const page = await get(w.p, s.host, "/orders/new", c.jar);
    const send = () =>
      w.p.request("/orders", {
        method: "POST",
        host: s.host,
        headers: { cookie: c.jar.header(), "content-type": "application/x-www-form-urlencoded", "idempotency-key": "retry-42" },
        body: new URLSearchParams({ _csrf: csrfFrom(page.html), ...fields, confirm: "yes" }).toString(),
      });
    const [h1, h2] = [await send(), await send()];
    await settleDispatchKicks(w.p.services);
    expect(h1.status).toBe(303);
    expect(h2.headers.get("location")).toBe(h1.headers.get("location"));
    expect(await balanceOf(w, c.user.id)).toBe(money("200"));
    expect(await w.p.services.db.selectFrom("idempotency_keys").select("scope").where("key", "=", "retry-42").execute()).toEqual([{ scope: `u:${c.user.id}` }]);
  });

  it("a Partial refunds the customer pro rata of the site price and the reseller pro rata of its cost, rounded down to the franc, exactly once however often the sync runs", async () => {
    const odd = await addService(w, { rate: "1234.567", min: 10, max: 1000 });
    const s = await siteWith(w, { resellerFunds: "1000", marginBp: 3333 });
    const c = await customerOn(w, s, "1000", { language: "en" });
    const placed = await orderViaForm(w, c, { service: String(odd.id), link: "https://x.test/partial-chain", quantity: "333" });
    const before = await chainOf(w, placed.uuid!);
    // Site rate 1234.567 × 1.3333 = 1646.048181 → 333 units: 548.134044, charged 549 (up to the franc);
    // the reseller's cost 411.110811, charged 412: both are charges.
    expect([Number(before.customer.charge), Number(before.platform.charge)]).toEqual([money("549"), money("412")]);
    w.sim.sim.setOrderOutcome(Number(before.platform.provider_order_id), { status: "Partial", remains: 77 });
    finishAtProvider(w);
    await Promise.all([runSync(w), runSync(w)]);
    await runSync(w);

    const after = await chainOf(w, placed.uuid!);
    expect(after.platform).toMatchObject({ status: "partial", remains: 77 });
    expect(after.customer).toMatchObject({ status: "partial", remains: 77 });
    // 549 × 77 / 333 = 126.95 → 126; 412 × 77 / 333 = 95.27 → 95: refunds round down.
    expect(await refundsOf(w, c.user.id)).toEqual([money("126")]);
    expect(await refundsOf(w, s.owner.user.id)).toEqual([money("95")]);
    expect(Number(after.customer.refunded)).toBe(money("126"));
    expect(await balanceOf(w, c.user.id)).toBe(money("1000") - money("549") + money("126"));
    expect(await balanceOf(w, s.owner.user.id)).toBe(money("1000") - money("412") + money("95"));
    const notes = await notificationsOf(w, c.user.id);
    expect(notes.map((n) => [n.type, n.title])).toEqual([["order_partial", "Order partially delivered"]]);
  });

  it("a Canceled platform order refunds both sides in full", async () => {
    const s = await siteWith(w, { resellerFunds: "1000", marginBp: 5000 });
    const c = await customerOn(w, s, "500");
    const placed = await orderViaForm(w, c, { service: String(service.id), link: "https://x.test/please-cancel", quantity: "100" });
    finishAtProvider(w);
    await runSync(w);
    await runSync(w);
    const { customer, platform } = await chainOf(w, placed.uuid!);
    expect([customer.status, platform.status]).toEqual(["canceled", "canceled"]);
    expect(await refundsOf(w, c.user.id)).toEqual([money("150")]);
    expect(await refundsOf(w, s.owner.user.id)).toEqual([money("100")]);
    expect(await balanceOf(w, c.user.id)).toBe(money("500"));
    expect(await balanceOf(w, s.owner.user.id)).toBe(money("1000"));
    expect((await notificationsOf(w, c.user.id)).map((n) => [n.type, n.title])).toEqual([["order_canceled", "Commande annulée"]]);
  });

  it("a definite dispatch failure refunds both sides in full", async () => {
    const s = await siteWith(w, { resellerFunds: "1000", marginBp: 5000 });
    const c = await customerOn(w, s, "500");
    w.sim.sim.setFault({ action: "add", kind: "error", message: "Incorrect link", times: 1 });
    const placed = await orderViaForm(w, c, { service: String(service.id), link: "https://x.test/refused", quantity: "100" });
    const { customer, platform } = await chainOf(w, placed.uuid!);
    expect(platform).toMatchObject({ status: "failed", dispatch_state: "failed" });
    expect(customer).toMatchObject({ status: "failed", dispatch_state: "delegated", refunded: money("150") });
    expect(await balanceOf(w, c.user.id)).toBe(money("500"));
    expect(await balanceOf(w, s.owner.user.id)).toBe(money("1000"));
    expect((await notificationsOf(w, c.user.id)).map((n) => n.type)).toEqual(["order_failed"]);
  });

  it("an admin's partial refund of the platform order refunds the customer the same share, once", async () => {
    const s = await siteWith(w, { resellerFunds: "1000", marginBp: 5000 });
    const c = await customerOn(w, s, "500");
    const placed = await orderViaForm(w, c, { service: String(service.id), link: "https://x.test/admin-refund", quantity: "100" });
    const { platform } = await chainOf(w, placed.uuid!);
    const admin = await adminToken(w);
    const res = await w.p.request(`/api/admin/orders/${platform.id}/refund`, { method: "POST", token: admin, json: { amount: "40", reason: "slow delivery" } });
    expect(res.status, JSON.stringify(await body(res.clone()))).toBe(200);
    // 40 of the reseller's 100 → 40 % of the customer's 150.
    expect(await refundsOf(w, s.owner.user.id)).toEqual([money("40")]);
    expect(await refundsOf(w, c.user.id)).toEqual([money("60")]);
    const status = await w.p.request(`/api/admin/orders/${platform.id}/status`, { method: "PUT", token: admin, json: { status: "completed" } });
    expect(status.status).toBe(200);
    const after = await chainOf(w, placed.uuid!);
    expect(after.customer).toMatchObject({ status: "completed", refunded: money("60") });
    expect(await refundsOf(w, c.user.id)).toEqual([money("60")]);
    await settleDispatchKicks(w.p.services);
  });

  it("concurrent orders never overdraw the customer or the reseller", async () => {
    // The customer can pay 3 orders (3 × 150), the reseller only 2 (2 × 100).
    const s = await siteWith(w, { resellerFunds: "250", marginBp: 5000 });
    const c = await customerOn(w, s, "450");
    const key = (await createApiKey(w.p.ctx(s.tenant), c.user.id, { name: "bot", permissions: ALL_PERMISSIONS })).raw;
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        v2(w.p, { key, action: "add", service: service.id, link: `https://x.test/rush/${i}`, quantity: 100 }, { host: s.host }),
      ),
    );
    await settleDispatchKicks(w.p.services);
    const placed = answers.filter((a) => "order" in a.json);
    expect(placed).toHaveLength(2);
    expect(answers.filter((a) => a.json.error === NEUTRAL_REFUSAL)).toHaveLength(4);
    expect(await balanceOf(w, c.user.id)).toBe(money("150"));
    expect(await balanceOf(w, s.owner.user.id)).toBe(money("50"));
    expect(await w.p.services.db.selectFrom("site_orders").select("id").where("site_id", "=", s.siteId).execute()).toHaveLength(2);
  });
});
