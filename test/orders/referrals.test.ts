import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect } from "../harness/platform.ts";
import { credit, debit } from "../../src/wallet/ledger.ts";
import { runJobOnce } from "../../src/jobs/scheduler.ts";
import { syncOrdersJob } from "../../src/orders/jobs.ts";
import { releaseCommissionsJob } from "../../src/referrals/release.ts";
import { DAY } from "../../src/lib/time.ts";
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

describeEachDialect("referral commissions on orders", (dialect) => {
  let w: World;
  let admin: string;
  beforeAll(async () => {
    w = await orderWorld(dialect);
    admin = await adminToken(w);
  });
  afterEach(() => expectLedgerHolds(w));
  afterAll(() => closeWorld(w));

  /** top → l2 → l1 → buyer: the buyer's level 1 referrer is l1, level 3 is top. */
  async function chain() {
    const top = await fundedUser(w, "0");
    const l2 = await fundedUser(w, "0", { referral_code: top.user.referral_code });
    const l1 = await fundedUser(w, "0", { referral_code: l2.user.referral_code });
    const buyer = await fundedUser(w, "10000", { referral_code: l1.user.referral_code });
    return { top, l2, l1, buyer };
  }
  const earned = async (userId: number, type = "referral_commission") =>
    (await ledgerOf(w, userId)).filter((t) => t.type === type).map((t) => Number(t.amount));
  const commissions = async (orderId: number) =>
    w.p.services.db.selectFrom("referral_commissions").selectAll().where("order_id", "=", orderId).orderBy("level").execute();
  /** The default hold (7 days) passes and the release job runs. */
  const releaseAfterHold = async () => {
    w.clock.advance(7 * DAY);
    await runJobOnce(w.p.services, releaseCommissionsJob);
  };

  it("a completed order pays 10% / 5% / 2% of its charge to three levels of referrers once the hold is over, once", async () => {
    const svc = await addService(w, { rate: "1000" });
    const { top, l2, l1, buyer } = await chain();
    const { order } = await place(w, buyer.token, { service_id: svc.id, link: "https://x.test/ref", quantity: 1000 });
    finishAtProvider(w);
    await runSync(w);
    await runSync(w);
    await runJobOnce(w.p.services, syncOrdersJob);
    expect(await earned(l1.user.id)).toEqual([]);
    await releaseAfterHold();
    await runJobOnce(w.p.services, releaseCommissionsJob);
    expect(await earned(l1.user.id)).toEqual([money("100")]);
    expect(await earned(l2.user.id)).toEqual([money("50")]);
    expect(await earned(top.user.id)).toEqual([money("20")]);
    expect(await earned(buyer.user.id)).toEqual([]);
    const row = await orderRow(w, order.uuid);
    expect((await commissions(row.id)).map((c) => [c.level, c.referrer_id, Number(c.amount), c.status])).toEqual([
      [1, l1.user.id, money("100"), "credited"],
      [2, l2.user.id, money("50"), "credited"],
      [3, top.user.id, money("20"), "credited"],
    ]);
  });

  it("a partial order pays commissions on the part delivered only", async () => {
    const svc = await addService(w, { rate: "1000" });
    const { l1, buyer } = await chain();
    const { order } = await place(w, buyer.token, { service_id: svc.id, link: "https://x.test/ref-partial", quantity: 1000 });
    w.sim.sim.setOrderOutcome(Number((await orderRow(w, order.uuid)).provider_order_id), { status: "Partial", remains: 400 });
    finishAtProvider(w);
    await runSync(w);
    await releaseAfterHold();
    // Charge 1000, 400 refunded: 10% of the 600 kept.
    expect(await earned(l1.user.id)).toEqual([money("60")]);
  });

  it("a refund later claws the commissions back, in proportion, and never twice", async () => {
    const svc = await addService(w, { rate: "1000" });
    const { top, l2, l1, buyer } = await chain();
    const { order } = await place(w, buyer.token, { service_id: svc.id, link: "https://x.test/ref-refund", quantity: 1000 });
    finishAtProvider(w);
    await runSync(w);
    await releaseAfterHold();
    const id = (await orderRow(w, order.uuid)).id;
    const half = await w.p.request(`/api/admin/orders/${id}/refund`, { method: "POST", token: admin, json: { amount: "500", reason: "half delivered" } });
    expect(half.status).toBe(200);
    expect(await earned(l1.user.id, "referral_reversal")).toEqual([-money("50")]);
    expect(await balanceOf(w, l1.user.id)).toBe(money("50"));
    const rest = await w.p.request(`/api/admin/orders/${id}/status`, { method: "PUT", token: admin, json: { status: "refunded" } });
    expect(rest.status).toBe(200);
    expect((await body(rest)).data).toMatchObject({ status: "refunded", refunded: "1000.00" });
    expect(await balanceOf(w, l1.user.id)).toBe(0);
    expect(await balanceOf(w, l2.user.id)).toBe(0);
    expect(await balanceOf(w, top.user.id)).toBe(0);
    expect((await commissions(id)).map((c) => c.status)).toEqual(["reversed", "reversed", "reversed"]);
    expect(await balanceOf(w, buyer.user.id)).toBe(money("10000"));
    await runSync(w);
    expect((await earned(l1.user.id, "referral_reversal")).length).toBe(2);
  });

  it("a clawback the referrer cannot cover is owed (reversal_pending), never taken below zero, and recovered later", async () => {
    const svc = await addService(w, { rate: "1000" });
    const { l2, l1, buyer } = await chain();
    const { order } = await place(w, buyer.token, { service_id: svc.id, link: "https://x.test/ref-owed", quantity: 1000 });
    finishAtProvider(w);
    await runSync(w);
    await releaseAfterHold();
    // The level 1 referrer spent the commission.
    await debit(w.p.ctx(), { userId: l1.user.id, amount: money("100"), type: "adjustment" });
    const id = (await orderRow(w, order.uuid)).id;
    const res = await w.p.request(`/api/admin/orders/${id}/refund`, { method: "POST", token: admin, json: { reason: "customer complaint" } });
    expect(res.status).toBe(200);
    expect(await balanceOf(w, l1.user.id)).toBe(0);
    expect(await balanceOf(w, l2.user.id)).toBe(0);
    expect((await commissions(id)).map((c) => c.status)).toEqual(["reversal_pending", "reversed", "reversed"]);
    await runJobOnce(w.p.services, syncOrdersJob);
    expect((await commissions(id))[0]!.status).toBe("reversal_pending");

    await credit(w.p.ctx(), { userId: l1.user.id, amount: money("150"), type: "deposit" });
    await runJobOnce(w.p.services, syncOrdersJob);
    expect((await commissions(id))[0]).toMatchObject({ status: "reversed", reversed_amount: money("100") });
    expect(await balanceOf(w, l1.user.id)).toBe(money("50"));
  });
});
