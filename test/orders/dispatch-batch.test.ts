import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { describeEachDialect } from "../harness/platform.ts";
import { backoffMs, dispatchOrders, settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { dbNow } from "../../src/lib/time.ts";
import {
  addCalls,
  addService,
  balanceOf,
  closeWorld,
  expectLedgerHolds,
  fundedUser,
  ledgerOf,
  money,
  orderRow,
  orderWorld,
  stopProvider,
  type World,
} from "./support.ts";

describeEachDialect("dispatching a burst of orders together", (dialect) => {
  let w: World;
  let svc: { id: number; simId: number };
  beforeAll(async () => {
    w = await orderWorld(dialect);
    svc = await addService(w, { rate: "1000" });
  });
  afterEach(async () => {
    w.sim.sim.clearFaults();
    await expectLedgerHolds(w);
  });
  afterAll(() => closeWorld(w));

  /** Places `n` orders at once (their kicks share runs); their uuids by link. */
  async function burst(token: string, prefix: string, n: number): Promise<Map<string, string>> {
    const placed = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const link = `https://x.test/${prefix}-${i}`;
        const res = await w.p.request("/api/user/orders", { method: "POST", token, json: { service_id: svc.id, link, quantity: 100 } });
        expect(res.status).toBe(201);
        return [link, ((await res.json()) as { data: { uuid: string } }).data.uuid] as const;
      }),
    );
    await settleDispatchKicks(w.p.services);
    return new Map(placed);
  }

  const simLinks = () => w.sim.sim.orderIds().map((id) => w.sim.sim.getOrder(id)!.link);
  const logsOf = async (orderIds: number[]) =>
    w.p.services.db.selectFrom("provider_logs").select(["order_id", "action"]).where("order_id", "in", orderIds).execute();

  it("every order of a burst is sent once, with its provider id and one log row", async () => {
    const u = await fundedUser(w, "100000");
    const orders = await burst(u.token, "burst", 40);
    const rows = await Promise.all([...orders.values()].map((uuid) => orderRow(w, uuid)));
    for (const row of rows) expect(row).toMatchObject({ dispatch_state: "sent", status: "processing", dispatch_attempts: 1, last_error: null });
    expect(new Set(rows.map((r) => r.provider_order_id)).size).toBe(40);
    for (const link of orders.keys()) expect(simLinks().filter((l) => l === link).length).toBe(1);
    const logs = await logsOf(rows.map((r) => r.id));
    expect(logs.length).toBe(40);
    expect(new Set(logs.map((l) => l.order_id)).size).toBe(40);
    expect(await balanceOf(w, u.user.id)).toBe(money("100000") - 40 * money("100"));
  });

  it("the orders a provider refuses in a burst are refunded once each; the others are sent", async () => {
    const u = await fundedUser(w, "10000");
    w.sim.sim.setFault({ action: "add", kind: "error", message: "Link is private", times: 4 });
    const orders = await burst(u.token, "refused", 12);
    const rows = await Promise.all([...orders.values()].map((uuid) => orderRow(w, uuid)));
    const failed = rows.filter((r) => r.status === "failed");
    expect(failed.length).toBe(4);
    for (const r of failed) expect(r).toMatchObject({ dispatch_state: "failed", refunded: money("100") });
    expect(rows.filter((r) => r.dispatch_state === "sent").length).toBe(8);
    const refunds = (await ledgerOf(w, u.user.id)).filter((t) => t.type === "refund");
    expect(refunds.map((t) => t.order_id).sort()).toEqual(failed.map((r) => r.id).sort());
    await dispatchOrders(w.p.ctx());
    expect((await ledgerOf(w, u.user.id)).filter((t) => t.type === "refund").length).toBe(4);
    expect(await balanceOf(w, u.user.id)).toBe(money("10000") - 8 * money("100"));
  });

  it("a provider that is down costs three calls per run: the rest stay queued, due, their attempt not counted", async () => {
    const u = await fundedUser(w, "10000");
    const restart = await stopProvider(w);
    try {
      const uuids: string[] = [];
      for (let i = 0; i < 8; i++) uuids.push([...(await burst(u.token, `down-${i}`, 1)).values()][0]!);
      // Each kick tried its order once: all queued again with a backoff.
      for (const uuid of uuids) expect(await orderRow(w, uuid)).toMatchObject({ dispatch_state: "queued", dispatch_attempts: 1 });
      w.clock.advance(backoffMs(1) + 1000);
      const calls = await addCalls(w);
      const summary = await dispatchOrders(w.p.ctx());
      expect(summary).toMatchObject({ sent: 0, retry: 3, skipped: 5 });
      expect(await addCalls(w)).toBe(calls + 3);
      const rows = await Promise.all(uuids.map((uuid) => orderRow(w, uuid)));
      expect(rows.filter((r) => r.dispatch_attempts === 2).map((r) => r.next_attempt_at)).toEqual(Array(3).fill(dbNow(w.clock, backoffMs(2))));
      const untouched = rows.filter((r) => r.dispatch_attempts === 1);
      expect(untouched.length).toBe(5);
      for (const r of untouched) expect(r.dispatch_state).toBe("queued");
      for (const r of untouched) expect(r.next_attempt_at! <= dbNow(w.clock)).toBe(true);
    } finally {
      await restart();
    }
    const summary = await dispatchOrders(w.p.ctx());
    expect(summary.sent).toBe(5);
  });
});
