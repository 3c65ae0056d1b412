import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, signUpAdmin, type TestPlatform } from "../harness/platform.ts";
import { balanceOf, expectLedgerHolds } from "../harness/money.ts";
import { manualClock } from "../harness/clock.ts";
import { runJobOnce } from "../../src/jobs/scheduler.ts";
import { reconcileGatewaysJob } from "../../src/payment-gateways/reconcile.ts";
import { cinetpayToken } from "../../src/payment-gateways/cinetpay.ts";
import { MINUTE } from "../../src/lib/time.ts";
import type { SimGateway } from "../../src/gateway-sim/server.ts";
import { depositRows, gatewayAccount, notificationsOf, paymentRow, simGatewayFor, startPayment } from "./helpers.ts";

const XOF = (n: number) => n * 1_000_000;

describeEachDialect("gateway deposits: every fault of the simulated gateway", (dialect) => {
  let p: TestPlatform;
  let sim: SimGateway;
  let account: number;
  const clock = manualClock();
  beforeAll(async () => {
    p = await makePlatform(dialect, {}, { clock });
    sim = await simGatewayFor(p);
    account = await gatewayAccount(p, sim);
  });
  afterEach(async () => {
    sim.sim.resetFaults();
    await expectLedgerHolds(p);
  });
  afterAll(async () => {
    await sim.close();
    await p.close();
  });

  const reconcileLater = async () => {
    clock.advance(4 * MINUTE);
    return runJobOnce(p.services, reconcileGatewaysJob);
  };

  it("a payment confirmed by the gateway is credited once, the fee taken, from the notification and its read-back", async () => {
    const u = await signUp(p);
    const { uuid, checkoutUrl, at } = await startPayment(p, sim, u.token, account, "5000");
    expect(checkoutUrl).toBe(`${sim.url}/checkout/${at.token}`);
    expect(await balanceOf(p, u.user.id)).toBe(0);
    await sim.sim.pay(at);
    expect(await balanceOf(p, u.user.id)).toBe(XOF(4925));
    const row = await paymentRow(p, uuid);
    expect(row).toMatchObject({ status: "succeeded", confirmed_currency: "XOF" });
    expect(Number(row.confirmed_amount)).toBe(XOF(5000));
    expect(Number(row.fee)).toBe(XOF(75));
    const deposits = await depositRows(p, u.user.id);
    expect(deposits).toHaveLength(1);
    expect(deposits[0]).toMatchObject({ status: "completed", deposit_claim: `gw:${uuid}`, id: row.transaction_id });
    const notes = await notificationsOf(p, row.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ signature_ok: 1, outcome: "credited" });
    expect(JSON.parse(notes[0]!.headers!)["x-token"]).toMatch(/^[0-9a-f]{64}$/);
    const api = await body(await p.request(`/api/deposits/gateway/${uuid}`, { token: u.token }));
    expect(api.data).toMatchObject({ status: "succeeded", amount: "5000.00", credited: "4925.00", fee: "75.00", checkout_url: null });
  });

  it("a forged notification is refused and credits nothing; the real confirmation is found by reconciliation", async () => {
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "1000");
    sim.sim.setFaults({ forged: true });
    await sim.sim.pay(at);
    expect(sim.sim.sent.at(-1)!.answered).toBe(403);
    expect(await balanceOf(p, u.user.id)).toBe(0);
    const row = await paymentRow(p, uuid);
    expect(row.status).toBe("pending");
    expect((await notificationsOf(p, row.id)).map((n) => [n.signature_ok, n.outcome])).toEqual([[0, "forged"]]);
    await reconcileLater();
    expect(await balanceOf(p, u.user.id)).toBe(XOF(985));
  });

  it("a forged notification for a payment nobody paid credits nothing, even signed with the merchant's site id", async () => {
    const u = await signUp(p);
    const { uuid } = await startPayment(p, sim, u.token, account, "1000");
    const form = new URLSearchParams({ cpm_site_id: sim.credentials.site_id, cpm_trans_id: uuid, cpm_amount: "1000", cpm_currency: "XOF" });
    const res = await p.request("/payments/cinetpay/notify", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-token": cinetpayToken(form, "not-the-secret") },
      body: form.toString(),
    });
    expect(res.status).toBe(403);
    expect((await body(res)).error.code).toBe("invalid_signature");
    // Correctly signed, but the gateway says it was never paid: still nothing.
    const signed = await p.request("/payments/cinetpay/notify", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-token": cinetpayToken(form, sim.credentials.secret_key) },
      body: form.toString(),
    });
    expect(signed.status).toBe(200);
    expect((await body(signed)).data.outcome).toBe("still_pending");
    expect(await balanceOf(p, u.user.id)).toBe(0);
  });

  it("a notification repeated ten times credits once", async () => {
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "2000");
    sim.sim.setFaults({ repeat: 10 });
    await sim.sim.pay(at);
    expect(await balanceOf(p, u.user.id)).toBe(XOF(1970));
    expect(await depositRows(p, u.user.id)).toHaveLength(1);
    const outcomes = (await notificationsOf(p, (await paymentRow(p, uuid)).id)).map((n) => n.outcome);
    expect(outcomes).toEqual(["credited", ...Array(9).fill("already_credited")]);
  });

  it("the same notification ten times at once credits once", async () => {
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "3000");
    sim.sim.setFaults({ lost: true });
    await sim.sim.pay(at);
    const form = new URLSearchParams({
      cpm_site_id: sim.credentials.site_id,
      cpm_trans_id: uuid,
      cpm_trans_date: "2026-11-24 10:00:00",
      cpm_amount: "3000",
      cpm_currency: "XOF",
      cpm_error_message: "SUCCES",
    });
    const headers = { "content-type": "application/x-www-form-urlencoded", "x-token": cinetpayToken(form, sim.credentials.secret_key) };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => p.request("/payments/cinetpay/notify", { method: "POST", headers, body: form.toString() }).then(body)),
    );
    const outcomes = answers.map((a) => a.data.outcome).sort();
    expect(outcomes.filter((o) => o === "credited")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "already_credited")).toHaveLength(9);
    expect(await balanceOf(p, u.user.id)).toBe(XOF(2955));
    expect(await depositRows(p, u.user.id)).toHaveLength(1);
  });

  it("a late notification changes nothing until it arrives; then it credits", async () => {
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "1500");
    sim.sim.setFaults({ late: true });
    await sim.sim.pay(at);
    expect(await balanceOf(p, u.user.id)).toBe(0);
    expect((await body(await p.request(`/api/deposits/gateway/${uuid}`, { token: u.token }))).data.status).toBe("pending");
    expect(await sim.sim.deliverHeld()).toBe(1);
    expect(await balanceOf(p, u.user.id)).toBe(XOF(1477));
  });

  it("notifications out of order (the final one, then a stale 'waiting') credit once and leave it credited", async () => {
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "1000");
    sim.sim.setFaults({ outOfOrder: true });
    await sim.sim.pay(at);
    const row = await paymentRow(p, uuid);
    expect(row.status).toBe("succeeded");
    expect((await notificationsOf(p, row.id)).map((n) => n.outcome)).toEqual(["credited", "already_credited"]);
    expect(await balanceOf(p, u.user.id)).toBe(XOF(985));
  });

  it("a lost notification is found by the reconciliation job a few minutes later", async () => {
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "1000");
    sim.sim.setFaults({ lost: true });
    await sim.sim.pay(at);
    expect(await balanceOf(p, u.user.id)).toBe(0);
    // Too young: the job leaves it to its notification.
    await runJobOnce(p.services, reconcileGatewaysJob);
    expect((await paymentRow(p, uuid)).status).toBe("pending");
    await reconcileLater();
    expect((await paymentRow(p, uuid)).status).toBe("succeeded");
    expect(await balanceOf(p, u.user.id)).toBe(XOF(985));
  });

  it("an amount changed at the gateway is credited as the gateway confirmed it, the fee on that amount", async () => {
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "5000");
    sim.sim.setFaults({ paidAmount: "2000" });
    await sim.sim.pay(at);
    const row = await paymentRow(p, uuid);
    expect(Number(row.amount)).toBe(XOF(5000));
    expect(Number(row.confirmed_amount)).toBe(XOF(2000));
    expect(await balanceOf(p, u.user.id)).toBe(XOF(1970));
  });

  it("a currency changed at the gateway credits nothing, fails the payment and tells the admins", async () => {
    const admin = await signUpAdmin(p);
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "5000");
    sim.sim.setFaults({ paidCurrency: "XAF" });
    await sim.sim.pay(at);
    expect(await paymentRow(p, uuid)).toMatchObject({ status: "failed", failure_reason: "currency_mismatch" });
    expect(await balanceOf(p, u.user.id)).toBe(0);
    const told = await p.services.db.selectFrom("notifications").select("type").where("user_id", "=", admin.user.id).execute();
    expect(told.map((n) => n.type)).toContain("gateway_mismatch");
  });

  it("a failing status call credits nothing; the reconciliation credits it once the gateway answers", async () => {
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "1000");
    sim.sim.setFaults({ statusFailures: 1 });
    await sim.sim.pay(at);
    const row = await paymentRow(p, uuid);
    expect(row.status).toBe("pending");
    expect((await notificationsOf(p, row.id)).map((n) => n.outcome)).toEqual(["unreachable"]);
    expect(await balanceOf(p, u.user.id)).toBe(0);
    await reconcileLater();
    expect(await balanceOf(p, u.user.id)).toBe(XOF(985));
  });

  it("a payment never completed expires; paid after all, it is still credited once", async () => {
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "1000");
    clock.advance(31 * MINUTE);
    await runJobOnce(p.services, reconcileGatewaysJob);
    expect(await paymentRow(p, uuid)).toMatchObject({ status: "expired", failure_reason: "never_completed" });
    const api = await body(await p.request(`/api/deposits/gateway/${uuid}`, { token: u.token }));
    expect(api.data).toMatchObject({ status: "expired", checkout_url: null });
    await sim.sim.pay(at);
    expect((await paymentRow(p, uuid)).status).toBe("succeeded");
    expect(await balanceOf(p, u.user.id)).toBe(XOF(985));
  });

  it("a payment refused at the gateway fails and credits nothing", async () => {
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "1000");
    await sim.sim.refuse(at);
    expect((await paymentRow(p, uuid)).status).toBe("failed");
    expect(await balanceOf(p, u.user.id)).toBe(0);
  });

  it("a refund at the gateway after crediting is recorded, the credit taken back through the ledger and the admins told", async () => {
    const admin = await signUpAdmin(p);
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "1000");
    await sim.sim.pay(at);
    expect(await balanceOf(p, u.user.id)).toBe(XOF(985));
    await sim.sim.refund(at);
    const row = await paymentRow(p, uuid);
    expect(row.status).toBe("refunded");
    expect(row.refunded_at).not.toBeNull();
    expect(row.reversal_shortfall).toBe(0);
    expect(await balanceOf(p, u.user.id)).toBe(0);
    const told = await p.services.db.selectFrom("notifications").select("type").where("user_id", "=", admin.user.id).execute();
    expect(told.map((n) => n.type)).toContain("gateway_refunded");
  });
});
