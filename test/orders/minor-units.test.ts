import { releaseDueCommissions } from "../../src/referrals/release.ts";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect } from "../harness/platform.ts";
import { plainSpaces } from "../harness/money.ts";
import { seeded } from "../catalog/random.ts";
import { csrfFrom, get, post } from "../storefront/helpers.ts";
import { customerOn, orderViaForm, PLATFORM_HOST } from "../chain/support.ts";
import { isWholeMinor } from "../../src/money/money.ts";
import { putSetting } from "../../src/settings/service.ts";
import { credit } from "../../src/wallet/ledger.ts";
import {
  addService,
  adminToken,
  balanceOf,
  closeWorld,
  expectLedgerHolds,
  finishAtProvider,
  fundedUser,
  ledgerOf,
  money,
  orderRow,
  orderWorld,
  place,
  runSync,
  type World,
} from "./support.ts";

/** Every ledger amount of these users is a whole number of francs. */
async function expectWholeFrancs(w: World, userIds: number[]) {
  for (const id of userIds) for (const t of await ledgerOf(w, id)) expect(isWholeMinor(Number(t.amount), "XOF"), `${t.type} ${t.amount}`).toBe(true);
}

describeEachDialect("money in whole francs (XOF)", (dialect) => {
  let w: World;
  let admin: string;
  beforeAll(async () => {
    w = await orderWorld(dialect);
    admin = await adminToken(w);
  });
  afterEach(() => expectLedgerHolds(w));
  afterAll(() => closeWorld(w));

  it("a charge of 862.7424 XOF books 863, and the pages show it by Intl in French and English", async () => {
    const svc = await addService(w, { rate: "862.7424" });
    const c = await customerOn(w, PLATFORM_HOST, "1000");
    const placed = await orderViaForm(w, c, { service: String(svc.id), link: "https://x.test/intl", quantity: "1000" });
    expect(placed.status).toBe(303);
    const row = await orderRow(w, placed.uuid!);
    expect(Number(row.charge)).toBe(money("863"));
    expect(await balanceOf(w, c.user.id)).toBe(money("137"));

    const fr = plainSpaces((await get(w.p, c.host, `/orders/${placed.uuid}?lang=fr`, c.jar)).html);
    expect(fr).toContain("863 F CFA");
    expect(fr).not.toContain("862,7424");
    expect(plainSpaces((await get(w.p, c.host, "/account?lang=fr", c.jar)).html)).toContain("<strong>137 F CFA</strong>");
    const en = plainSpaces((await get(w.p, c.host, `/orders/${placed.uuid}?lang=en`, c.jar)).html);
    expect(en).toContain("F CFA 863");
    // The price per 1000 may keep 2 decimals (rounded up, like the charge).
    const catalogue = plainSpaces((await get(w.p, c.host, `/services/${svc.id}?lang=fr`, c.jar)).html);
    expect(catalogue).toContain("862,75 F CFA");
    expect(catalogue).toContain("863 F CFA");
  });

  it("a canceled order returns exactly its charge", async () => {
    const svc = await addService(w, { rate: "862.7424" });
    const u = await fundedUser(w, "1000");
    const { order } = await place(w, u.token, { service_id: svc.id, link: "https://x.test/cancel-exact", quantity: 999 });
    const row = await orderRow(w, order.uuid);
    // 999 × 862.7424 / 1000 = 861.8796576 → 862
    expect(Number(row.charge)).toBe(money("862"));
    w.sim.sim.setOrderOutcome(Number(row.provider_order_id), { status: "Canceled" });
    finishAtProvider(w);
    await runSync(w);
    const after = await orderRow(w, order.uuid);
    expect(after.status).toBe("canceled");
    expect(Number(after.refunded)).toBe(money("862"));
    expect(await balanceOf(w, u.user.id)).toBe(money("1000"));
  });

  it("referral commissions round down to the franc, and so does what they keep after a refund", async () => {
    const svc = await addService(w, { rate: "862.7424" });
    // Commissions are paid at once here (no hold), to see the booked amounts.
    await putSetting(w.p.ctx(), "referral_hold_days", "0");
    const top = await fundedUser(w, "0");
    const l2 = await fundedUser(w, "0", { referral_code: top.user.referral_code });
    const l1 = await fundedUser(w, "0", { referral_code: l2.user.referral_code });
    const buyer = await fundedUser(w, "1000", { referral_code: l1.user.referral_code });
    const { order } = await place(w, buyer.token, { service_id: svc.id, link: "https://x.test/ref-floor", quantity: 1000 });
    finishAtProvider(w);
    await runSync(w);
    await releaseDueCommissions(w.p.ctx());
    const earned = async (userId: number) =>
      (await ledgerOf(w, userId)).filter((t) => t.type.startsWith("referral_")).map((t) => [t.type, Number(t.amount)] as const);
    // 10% / 5% / 2% of 863 = 86.3 / 43.15 / 17.26 → 86 / 43 / 17
    expect(await earned(l1.user.id)).toEqual([["referral_commission", money("86")]]);
    expect(await earned(l2.user.id)).toEqual([["referral_commission", money("43")]]);
    expect(await earned(top.user.id)).toEqual([["referral_commission", money("17")]]);

    const id = (await orderRow(w, order.uuid)).id;
    const res = await w.p.request(`/api/admin/orders/${id}/refund`, { method: "POST", token: admin, json: { amount: "100", reason: "late" } });
    expect(res.status).toBe(200);
    // Net 763: 76.3 / 38.15 / 15.26 → keeps 76 / 38 / 15, gives back 10 / 5 / 2.
    expect((await earned(l1.user.id)).at(-1)).toEqual(["referral_reversal", -money("10")]);
    expect((await earned(l2.user.id)).at(-1)).toEqual(["referral_reversal", -money("5")]);
    expect((await earned(top.user.id)).at(-1)).toEqual(["referral_reversal", -money("2")]);
    await expectWholeFrancs(w, [top.user.id, l2.user.id, l1.user.id, buyer.user.id]);
    await putSetting(w.p.ctx(), "referral_hold_days", "7");
  });

  it("over many random orders, partials, cancellations and refunds, the platform never pays out more than it took", async () => {
    const r = seeded(2024 + (dialect === "sqlite" ? 0 : 1));
    const referrer = await fundedUser(w, "0");
    const buyer = await fundedUser(w, "10000000", { referral_code: referrer.user.referral_code });
    const services = await Promise.all(
      ["862.7424", "1.234567", "0.5", "333.333333", "1000", "12.3456"].map((rate) => addService(w, { rate, min: 1, max: 10_000 })),
    );
    const uuids: string[] = [];
    for (let i = 0; i < 24; i++) {
      const svc = services[r.int(0, services.length - 1)]!;
      const quantity = r.int(1, 10_000);
      const placed = await place(w, buyer.token, { service_id: svc.id, link: `https://x.test/random-${i}`, quantity });
      expect(placed.status).toBe(201);
      const row = await orderRow(w, placed.order.uuid);
      const pick = r.next();
      const outcome =
        pick < 0.4
          ? { status: "Partial" as const, remains: r.int(1, quantity) }
          : pick < 0.6
            ? { status: "Canceled" as const }
            : { status: "Completed" as const };
      w.sim.sim.setOrderOutcome(Number(row.provider_order_id), outcome);
      uuids.push(placed.order.uuid);
    }
    finishAtProvider(w);
    await runSync(w);
    // An admin refunds a random whole part of what is left on some orders.
    for (const uuid of uuids) {
      const o = await orderRow(w, uuid);
      const rest = (Number(o.charge) - Number(o.refunded)) / 1_000_000;
      if (rest < 2 || r.next() < 0.5) continue;
      const amount = String(r.int(1, Math.floor(rest) - 1));
      expect((await w.p.request(`/api/admin/orders/${o.id}/refund`, { method: "POST", token: admin, json: { amount, reason: "random" } })).status).toBe(200);
    }

    let charged = 0;
    let paidOut = 0;
    for (const uuid of uuids) {
      const o = await orderRow(w, uuid);
      expect(isWholeMinor(Number(o.charge), "XOF")).toBe(true);
      expect(Number(o.refunded)).toBeLessThanOrEqual(Number(o.charge));
      charged += Number(o.charge);
      paidOut += Number(o.refunded);
    }
    const commissions = (await ledgerOf(w, referrer.user.id)).reduce((s, t) => s + Number(t.amount), 0);
    paidOut += commissions;
    expect(paidOut).toBeLessThanOrEqual(charged);
    expect(await balanceOf(w, buyer.user.id)).toBe(money("10000000") - charged + (paidOut - commissions));
    await expectWholeFrancs(w, [buyer.user.id, referrer.user.id]);
  });

  it("an older balance with sub-franc dust (5355.01956) still pays a whole-franc charge exactly", async () => {
    const svc = await addService(w, { rate: "862.7424" });
    const u = await fundedUser(w, "0");
    await credit(w.p.ctx(), { userId: u.user.id, amount: money("5355.01956"), type: "adjustment", description: "before whole francs" });
    const { order } = await place(w, u.token, { service_id: svc.id, link: "https://x.test/dust", quantity: 1000 });
    expect(Number((await orderRow(w, order.uuid)).charge)).toBe(money("863"));
    expect(await balanceOf(w, u.user.id)).toBe(money("4492.01956"));
    const wallet = await body(await w.p.request("/api/wallet", { token: u.token }));
    expect(wallet.data.balance).toBe("4492.01956");
  });

  it("the funds form refuses 10000.5 XOF, names the amount and keeps what was typed", async () => {
    const c = await customerOn(w, PLATFORM_HOST, "0");
    const page = await get(w.p, c.host, "/funds?lang=fr", c.jar);
    const res = await post(w.p, c.host, "/funds", c.jar, { _csrf: csrfFrom(page.html), method: "orange_money", amount: "10000.5", reference: "MP-HALF-FRANC" });
    expect(res.res.status).toBe(422);
    expect(res.html).toMatch(/id="f-amount"[^>]*value="10000.5"[^>]*aria-invalid="true"/);
    expect(res.html).toContain('id="f-amount-error"');
    const rows = await ledgerOf(w, c.user.id);
    expect(rows).toEqual([]);
  });
});

describeEachDialect("money in whole cents (EUR)", (dialect) => {
  let w: World;
  beforeAll(async () => {
    w = await orderWorld(dialect);
    await putSetting(w.p.ctx(), "currency", "EUR");
  });
  afterEach(() => expectLedgerHolds(w));
  afterAll(() => closeWorld(w));

  it("a charge rounds up to the cent and a partial refund down to it", async () => {
    const svc = await addService(w, { rate: "1.234567" });
    const u = await fundedUser(w, "10");
    const { order } = await place(w, u.token, { service_id: svc.id, link: "https://x.test/eur", quantity: 1000 });
    const row = await orderRow(w, order.uuid);
    // 1.234567 → 1.24 EUR
    expect([Number(row.charge), row.currency]).toEqual([money("1.24"), "EUR"]);
    w.sim.sim.setOrderOutcome(Number(row.provider_order_id), { status: "Partial", remains: 333 });
    finishAtProvider(w);
    await runSync(w);
    // 1.24 × 333 / 1000 = 0.41292 → 0.41
    expect(Number((await orderRow(w, order.uuid)).refunded)).toBe(money("0.41"));
    expect(await balanceOf(w, u.user.id)).toBe(money("10") - money("1.24") + money("0.41"));
    const notes = await w.p.services.db.selectFrom("notifications").select("body").where("user_id", "=", u.user.id).execute();
    expect(plainSpaces(notes[0]?.body ?? "")).toContain("0,41 €");
  });
});
