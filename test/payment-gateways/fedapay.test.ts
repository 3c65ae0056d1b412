import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, signUpAdmin, type TestPlatform } from "../harness/platform.ts";
import { balanceOf, expectLedgerHolds } from "../harness/money.ts";
import { manualClock } from "../harness/clock.ts";
import { csrfFrom, get, insertSite, post, registerThroughForm } from "../storefront/helpers.ts";
import { runJobOnce } from "../../src/jobs/scheduler.ts";
import { reconcileGatewaysJob } from "../../src/payment-gateways/reconcile.ts";
import { fedapayGateway, fedapaySignatureHeader } from "../../src/payment-gateways/fedapay.ts";
import { MINUTE } from "../../src/lib/time.ts";
import type { SimGateway } from "../../src/gateway-sim/server.ts";
import type { SimPayment } from "../../src/gateway-sim/state.ts";
import { depositRows, gatewayAccount, notificationsOf, paymentRow, simGatewayFor, startPayment } from "./helpers.ts";

const XOF = (n: number) => n * 1_000_000;
const hidden = (html: string) => Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));

describeEachDialect("gateway deposits through FedaPay (its npm package, against the simulated gateway)", (dialect) => {
  let p: TestPlatform;
  let sim: SimGateway;
  let account: number;
  const clock = manualClock();
  beforeAll(async () => {
    p = await makePlatform(dialect, {}, { clock });
    sim = await simGatewayFor(p);
    account = await gatewayAccount(p, sim, { kind: "fedapay" });
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
  /** A webhook event for a payment as FedaPay sends it (JSON, the transaction as `entity`), signed with `secret` at `t`. */
  const webhook = (at: SimPayment, secret: string, t?: number, entity: object = sim.sim.fedapayEntity(at)) => {
    const raw = JSON.stringify({ name: `transaction.${(entity as { status: string }).status}`, object: "transaction", entity });
    return { raw, headers: { "content-type": "application/json", "x-fedapay-signature": fedapaySignatureHeader(raw, secret, t) } };
  };
  const notify = (w: { raw: string; headers: Record<string, string> }, host?: string) =>
    p.request("/payments/fedapay/notify", { method: "POST", host, headers: w.headers, body: w.raw });

  it("a customer's payment is created at FedaPay with our uuid as merchant reference, paid, and credited once after its read-back", async () => {
    const u = await signUp(p);
    const { uuid, checkoutUrl, at } = await startPayment(p, sim, u.token, account, "5000");
    // What the package sent: a whole XOF amount, the currency by ISO code, our uuid, our return page.
    expect(at).toMatchObject({ kind: "fedapay", amount: "5000", currency: "XOF", transactionId: uuid });
    expect(at.returnUrl).toMatch(new RegExp(`/funds/payments/${uuid}$`));
    expect(checkoutUrl).toBe(`${sim.url}/checkout/${at.token}`);
    expect((await paymentRow(p, uuid)).provider_ref).toBe(String(at.providerId));
    expect(await balanceOf(p, u.user.id)).toBe(0);

    await sim.sim.pay(at);
    expect(sim.sim.sent.at(-1)).toMatchObject({ kind: "fedapay", answered: 200 });
    expect(await balanceOf(p, u.user.id)).toBe(XOF(4925));
    const row = await paymentRow(p, uuid);
    expect(row).toMatchObject({ status: "succeeded", confirmed_currency: "XOF" });
    expect(Number(row.confirmed_amount)).toBe(XOF(5000));
    expect(Number(row.fee)).toBe(XOF(75));
    const deposits = await depositRows(p, u.user.id);
    expect(deposits).toHaveLength(1);
    expect(deposits[0]).toMatchObject({ status: "completed", deposit_claim: `gw:${uuid}`, id: row.transaction_id });
    const notes = await notificationsOf(p, row.id);
    expect(notes.map((n) => [n.kind, n.signature_ok, n.outcome])).toEqual([["fedapay", 1, "credited"]]);
    expect(JSON.parse(notes[0]!.headers!)["x-fedapay-signature"]).toMatch(/^t=\d+,s=[0-9a-f]{64}$/);
    expect(JSON.parse(notes[0]!.body!)).toMatchObject({ name: "transaction.approved", entity: { merchant_reference: uuid, status: "approved" } });
    const api = await body(await p.request(`/api/deposits/gateway/${uuid}`, { token: u.token }));
    expect(api.data).toMatchObject({ status: "succeeded", amount: "5000.00", credited: "4925.00", fee: "75.00", gateway: "FedaPay" });
  });

  it("a forged webhook (the simulator signs with another key) is refused and credits nothing; reconciliation finds the payment", async () => {
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

  it("a wrong secret, a stale or future timestamp, a missing or malformed header are refused and credit nothing, even for a paid payment", async () => {
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "1000");
    sim.sim.setFaults({ lost: true });
    await sim.sim.pay(at);
    const now = Math.floor(Date.now() / 1000);
    const secret = sim.fedapay.webhook_secret;
    const refusals = [
      webhook(at, "wh_sandbox_not-the-secret"),
      webhook(at, sim.fedapay.secret_key),
      webhook(at, secret, now - 301),
      webhook(at, secret, now + 3600),
      { raw: webhook(at, secret).raw, headers: { "content-type": "application/json" } },
      { raw: webhook(at, secret).raw, headers: { "content-type": "application/json", "x-fedapay-signature": "s=00ff" } },
    ];
    // The body changed after signing: the signature covers the exact bytes.
    const tampered = webhook(at, secret);
    refusals.push({ raw: tampered.raw.replace('"amount":1000', '"amount":9000'), headers: tampered.headers });
    for (const w of refusals) {
      const res = await notify(w);
      expect(res.status).toBe(403);
      expect((await body(res)).error.code).toBe("invalid_signature");
    }
    const row = await paymentRow(p, uuid);
    expect(row.status).toBe("pending");
    expect(await balanceOf(p, u.user.id)).toBe(0);
    expect((await notificationsOf(p, row.id)).every((n) => n.signature_ok === 0 && n.outcome === "forged")).toBe(true);
    // Rightly signed (within the tolerance), it is read back and credited.
    const good = await notify(webhook(at, secret, now - 200));
    expect((await body(good)).data.outcome).toBe("credited");
    expect(await balanceOf(p, u.user.id)).toBe(XOF(985));
  });

  it("a rightly signed webhook claiming 'approved' for a payment nobody paid credits nothing: only the read-back counts", async () => {
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "1000");
    const lie = { ...sim.sim.fedapayEntity(at), status: "approved", amount: 1000 };
    const res = await notify(webhook(at, sim.fedapay.webhook_secret, undefined, lie));
    expect(res.status).toBe(200);
    expect((await body(res)).data.outcome).toBe("still_pending");
    expect((await paymentRow(p, uuid)).status).toBe("pending");
    expect(await balanceOf(p, u.user.id)).toBe(0);
  });

  it("a webhook naming only FedaPay's transaction id (no merchant reference) finds the payment by it", async () => {
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "1000");
    sim.sim.setFaults({ lost: true });
    await sim.sim.pay(at);
    const { merchant_reference: _dropped, ...entity } = sim.sim.fedapayEntity(at);
    const res = await notify(webhook(at, sim.fedapay.webhook_secret, undefined, entity));
    expect((await body(res)).data.outcome).toBe("credited");
    expect((await paymentRow(p, uuid)).status).toBe("succeeded");
    // An id nobody knows is a 404, not a 500; so is another kind of event whose id happens to be the transaction's.
    const unknown = await notify(webhook(at, sim.fedapay.webhook_secret, undefined, { ...entity, id: 999_999_999 }));
    expect(unknown.status).toBe(404);
    const customerEvent = JSON.stringify({ name: "customer.created", entity: { klass: "v1/customer", id: at.providerId } });
    const res2 = await notify({
      raw: customerEvent,
      headers: { "content-type": "application/json", "x-fedapay-signature": fedapaySignatureHeader(customerEvent, sim.fedapay.webhook_secret) },
    });
    expect(res2.status).toBe(404);
    for (const junk of ["{", "[]", "null", '{"entity":"x"}', "cpm_trans_id=1"]) {
      expect((await notify({ raw: junk, headers: { "content-type": "application/json", "x-fedapay-signature": "t=1,s=00" } })).status).toBe(404);
    }
  });

  it("a webhook repeated ten times credits once", async () => {
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "2000");
    sim.sim.setFaults({ repeat: 10 });
    await sim.sim.pay(at);
    expect(await balanceOf(p, u.user.id)).toBe(XOF(1970));
    expect(await depositRows(p, u.user.id)).toHaveLength(1);
    const outcomes = (await notificationsOf(p, (await paymentRow(p, uuid)).id)).map((n) => n.outcome);
    expect(outcomes).toEqual(["credited", ...Array(9).fill("already_credited")]);
  });

  it("the same signed webhook ten times at once credits once", async () => {
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "3000");
    sim.sim.setFaults({ lost: true });
    await sim.sim.pay(at);
    const w = webhook(at, sim.fedapay.webhook_secret);
    const answers = await Promise.all(Array.from({ length: 10 }, () => notify(w).then(body)));
    const outcomes = answers.map((a) => a.data.outcome);
    expect(outcomes.filter((o) => o === "credited")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "already_credited")).toHaveLength(9);
    expect(await balanceOf(p, u.user.id)).toBe(XOF(2955));
    expect(await depositRows(p, u.user.id)).toHaveLength(1);
    expect((await paymentRow(p, uuid)).status).toBe("succeeded");
  });

  it("a late webhook changes nothing until it arrives; then it credits", async () => {
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "1500");
    sim.sim.setFaults({ late: true });
    await sim.sim.pay(at);
    expect(await balanceOf(p, u.user.id)).toBe(0);
    expect((await paymentRow(p, uuid)).status).toBe("pending");
    expect(await sim.sim.deliverHeld()).toBe(1);
    expect(await balanceOf(p, u.user.id)).toBe(XOF(1477));
  });

  it("webhooks out of order (approved, then a stale transaction.created) credit once and leave it credited", async () => {
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "1000");
    sim.sim.setFaults({ outOfOrder: true });
    await sim.sim.pay(at);
    expect(sim.sim.sent.slice(-2).map((s) => JSON.parse(s.body).name)).toEqual(["transaction.approved", "transaction.created"]);
    const row = await paymentRow(p, uuid);
    expect(row.status).toBe("succeeded");
    expect((await notificationsOf(p, row.id)).map((n) => n.outcome)).toEqual(["credited", "already_credited"]);
    expect(await balanceOf(p, u.user.id)).toBe(XOF(985));
  });

  it("a lost webhook is found by the reconciliation job a few minutes later", async () => {
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "1000");
    sim.sim.setFaults({ lost: true });
    await sim.sim.pay(at);
    expect(await balanceOf(p, u.user.id)).toBe(0);
    await runJobOnce(p.services, reconcileGatewaysJob);
    expect((await paymentRow(p, uuid)).status).toBe("pending");
    await reconcileLater();
    expect((await paymentRow(p, uuid)).status).toBe("succeeded");
    expect(await balanceOf(p, u.user.id)).toBe(XOF(985));
  });

  it("an amount changed at FedaPay is credited as FedaPay confirmed it, the fee on that amount", async () => {
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "5000");
    sim.sim.setFaults({ paidAmount: "2000" });
    await sim.sim.pay(at);
    const row = await paymentRow(p, uuid);
    expect(Number(row.amount)).toBe(XOF(5000));
    expect(Number(row.confirmed_amount)).toBe(XOF(2000));
    expect(await balanceOf(p, u.user.id)).toBe(XOF(1970));
  });

  it("a currency changed at FedaPay (read from its currency id) credits nothing, fails the payment and tells the admins", async () => {
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

  it("a failing status call credits nothing; the reconciliation credits it once FedaPay answers", async () => {
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

  it("a payment declined at FedaPay fails and credits nothing", async () => {
    const u = await signUp(p);
    const { uuid, at } = await startPayment(p, sim, u.token, account, "1000");
    await sim.sim.refuse(at);
    expect(JSON.parse(sim.sim.sent.at(-1)!.body).name).toBe("transaction.declined");
    expect((await paymentRow(p, uuid)).status).toBe("failed");
    expect(await balanceOf(p, u.user.id)).toBe(0);
  });

  it("a refund at FedaPay after crediting is recorded, the credit taken back and the admins told", async () => {
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

  it("a platform account and a reseller's account never mix keys, even with calls of both in flight at once", async () => {
    // Another FedaPay account (its own simulated gateway, its own secret key) on a reseller's site.
    const other = await simGatewayFor(p);
    try {
      const { site, host } = await insertSite(p);
      const siteAccount = await gatewayAccount(p, other, { kind: "fedapay", siteId: site.id });
      const platformUser = await signUp(p);
      const customer = await registerThroughForm(p, host);
      const csrf = csrfFrom((await get(p, host, "/funds", customer.jar)).html);
      // The platform user starts through the JSON API, the site's customer through the funds page and its confirmation.
      const platformStart = () =>
        p.request("/api/deposits/gateway", { method: "POST", token: platformUser.token, json: { gateway_account_id: account, amount: "1000" } }).then(body);
      const siteStart = async () => {
        const confirm = await post(p, host, "/funds/gateway", customer.jar, { _csrf: csrf, gateway: String(siteAccount), amount: "1000" });
        const started = await post(p, host, "/funds/gateway", customer.jar, { ...hidden(confirm.html), confirm: "yes" });
        return { data: { uuid: started.res.headers.get("location")?.split("/")[3]?.split("?")[0] } };
      };
      const started = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? platformStart() : siteStart())));
      // The simulators refuse any key but their own (401 → 503 here): every start went through with the right one.
      const platformPayments = started.filter((_, i) => i % 2 === 0).map((s) => sim.sim.byTransaction(String(s.data?.uuid)));
      const sitePayments = started.filter((_, i) => i % 2 === 1).map((s) => other.sim.byTransaction(String(s.data?.uuid)));
      expect(platformPayments.every((at) => at?.kind === "fedapay")).toBe(true);
      expect(sitePayments.every((at) => at?.kind === "fedapay")).toBe(true);
      expect(new Set(sitePayments.map((at) => at!.transactionId)).size).toBe(3);
      sim.sim.setFaults({ lost: true });
      other.sim.setFaults({ lost: true });
      for (const at of platformPayments) await sim.sim.pay(at!);
      for (const at of sitePayments) await other.sim.pay(at!);
      // The reconciliation reads all six back, interleaving both accounts' calls.
      await reconcileLater();
      expect(await balanceOf(p, platformUser.user.id)).toBe(XOF(3 * 985));
      const siteUser = await p.services.db
        .selectFrom("users")
        .select("id")
        .where("username", "=", customer.username)
        .where("site_id", "=", site.id)
        .executeTakeFirstOrThrow();
      expect(await balanceOf(p, siteUser.id)).toBe(XOF(3 * 985));
      // A webhook of the reseller's payment on the platform's host finds nothing (each tenant its own payments).
      const w = webhook(sitePayments[0]!, other.fedapay.webhook_secret);
      expect((await notify(w)).status).toBe(404);
      expect((await notify(w, host)).status).toBe(200);
      other.sim.resetFaults();
    } finally {
      await other.close();
    }
  });

  it("test connection: the right key answers true; a wrong one says FedaPay refused it, never echoing the key", async () => {
    const right = fedapayGateway(sim.fedapay, sim.url);
    expect(await right.testConnection()).toBe(true);
    const wrongKey = "sk_sandbox_wrong-key-123456";
    const answer = await fedapayGateway({ ...sim.fedapay, secret_key: wrongKey }, sim.url).testConnection();
    expect(answer).toMatch(/FedaPay refused the credentials/);
    expect(String(answer)).not.toContain(wrongKey);
    // Amounts: whole francs only.
    expect(right.amountProblem(XOF(1000), "XOF")).toBeNull();
    expect(right.amountProblem(1_500_000_000 + 500_000, "XOF")).toMatch(/whole/);
    expect(right.amountProblem(XOF(10), "EUR")).toMatch(/XOF/);
  });
});
