import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { describeEachDialect } from "../harness/platform.ts";
import { readOrderState } from "../../src/providers/wire.ts";
import type { BatchStatus } from "../../src/providers/client.ts";
import { applyStatusBatch, type SyncSummary, type SyncTarget } from "../../src/orders/sync.ts";
import type { Logger } from "../../src/lib/logger.ts";
import { addService, adminToken, closeWorld, expectLedgerHolds, fundedUser, ledgerOf, money, orderRow, orderWorld, place, type World } from "./support.ts";

describeEachDialect("a status batch applied together", (dialect) => {
  let w: World;
  beforeAll(async () => {
    w = await orderWorld(dialect);
  });
  afterEach(() => expectLedgerHolds(w));
  afterAll(() => closeWorld(w));

  /** The sync's batch step, as a run that read `targets` before asking the panel; warnings kept (a fallback to one by one is one). */
  async function applyBatch(targets: SyncTarget[], answers: Map<string, BatchStatus>) {
    const warnings: string[] = [];
    const logger: Logger = { debug: () => {}, info: () => {}, warn: (msg) => void warnings.push(msg), error: (msg) => void warnings.push(msg) };
    const summary: SyncSummary = { checked: 0, changed: 0, refunded: 0, calls: 0, errors: [] };
    await applyStatusBatch({ ...w.p.ctx(), logger }, targets, answers, summary);
    return { summary, warnings };
  }

  it("refunds each order once, leaves an order an admin changed meanwhile as the admin left it, and books each refund's balance after in turn", async () => {
    const svc = await addService(w, { rate: "1000" });
    const admin = await adminToken(w);
    const referrer = await fundedUser(w, "0");
    const u = await fundedUser(w, "1000", { referral_code: referrer.user.referral_code });
    const uuids: string[] = [];
    for (const tag of ["cancel", "partial", "cancel-too", "admin", "complete"])
      uuids.push((await place(w, u.token, { service_id: svc.id, link: `https://x.test/batch-${tag}`, quantity: 100 })).order.uuid);
    const rows = await Promise.all(uuids.map((uuid) => orderRow(w, uuid)));
    // What the sync run read before it asked the panel: every order still in flight.
    const targets: SyncTarget[] = rows.map((r) => ({ order: r, providerOrderId: r.provider_order_id! }));
    expect(rows.map((r) => r.status)).toEqual(Array(5).fill("processing"));

    // Meanwhile an admin cancels the fourth order (refunded in full by the admin's change).
    const put = await w.p.request(`/api/admin/orders/${rows[3]!.id}/status`, { method: "PUT", token: admin, json: { status: "canceled" } });
    expect(put.status).toBe(200);

    const state = (status: string, remains: number) => readOrderState({ status, remains: String(remains), start_count: "10" })!;
    const answers = new Map<string, BatchStatus>([
      [rows[0]!.provider_order_id!, state("Canceled", 100)],
      [rows[1]!.provider_order_id!, state("Partial", 50)],
      [rows[2]!.provider_order_id!, state("Canceled", 100)],
      [rows[3]!.provider_order_id!, state("Completed", 0)],
      [rows[4]!.provider_order_id!, state("Completed", 0)],
    ]);
    const first = await applyBatch(targets, answers);
    expect(first.warnings).toEqual([]);
    expect(first.summary).toMatchObject({ checked: 5, changed: 4, refunded: money("100") + money("50") + money("100") });
    // The same stale read applied again (a second worker, a retried run): nothing moves, nothing is paid twice.
    const again = await applyBatch(targets, answers);
    expect(again.warnings).toEqual([]);
    expect(again.summary).toMatchObject({ checked: 5, changed: 0, refunded: 0 });

    const after = await Promise.all(uuids.map((uuid) => orderRow(w, uuid)));
    expect(after.map((r) => [r.status, Number(r.refunded)])).toEqual([
      ["canceled", money("100")],
      ["partial", money("50")],
      ["canceled", money("100")],
      ["canceled", money("100")],
      ["completed", 0],
    ]);
    const ledger = await ledgerOf(w, u.user.id);
    const refunds = ledger.filter((t) => t.type === "refund");
    expect(refunds.map((t) => [t.order_id, Number(t.amount)]).sort()).toEqual(
      [
        [rows[0]!.id, money("100")],
        [rows[1]!.id, money("50")],
        [rows[2]!.id, money("100")],
        [rows[3]!.id, money("100")],
      ].sort(),
    );
    // Every row of the user's ledger, in order, says the balance as it stood right after it.
    let balance = 0;
    for (const t of ledger) {
      balance += Number(t.amount);
      expect(Number(t.balance_after), `ledger row ${t.id} (${t.type})`).toBe(balance);
    }
    expect(balance).toBe(money("1000") - 5 * money("100") + money("350"));

    // Commissions: the completed order and the partial's delivered part, once each; notices once per order that ended in the batch.
    const commissions = await w.p.services.db
      .selectFrom("referral_commissions")
      .select(["order_id", "amount"])
      .where("referrer_id", "=", referrer.user.id)
      .orderBy("order_id")
      .execute();
    expect(commissions.map((c) => [c.order_id, Number(c.amount)])).toEqual([
      [rows[1]!.id, money("5")],
      [rows[4]!.id, money("10")],
    ]);
    const notes = await w.p.services.db.selectFrom("notifications").select("type").where("user_id", "=", u.user.id).where("type", "like", "order_%").execute();
    expect(notes.map((n) => n.type).sort()).toEqual(["order_canceled", "order_canceled", "order_canceled", "order_completed", "order_partial"]);
  });
});
