import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { plainSpaces } from "../harness/money.ts";
import { describeEachDialect } from "../harness/platform.ts";
import { readOrderState } from "../../src/providers/wire.ts";
import { applyProviderState } from "../../src/orders/sync.ts";
import { placeOrder } from "../../src/orders/place.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { runJobOnce } from "../../src/jobs/scheduler.ts";
import { syncOrdersJob } from "../../src/orders/jobs.ts";
import {
  addService,
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

describeEachDialect("status sync and refunds", (dialect) => {
  let w: World;
  beforeAll(async () => {
    w = await orderWorld(dialect);
  });
  afterEach(() => expectLedgerHolds(w));
  afterAll(() => closeWorld(w));

  const refunds = async (userId: number) => (await ledgerOf(w, userId)).filter((t) => t.type === "refund").map((t) => Number(t.amount));

  it("a Partial refunds charge × remains / quantity, rounded down to the franc, exactly once", async () => {
    const svc = await addService(w, { rate: "862.7424", min: 10, max: 10000 });
    const u = await fundedUser(w, "1000");
    const { order } = await place(w, u.token, { service_id: svc.id, link: "https://x.test/partial", quantity: 1000 });
    const row = await orderRow(w, order.uuid);
    // 1000 × 862.7424 / 1000 = 862.7424 → charged 863 XOF (a charge rounds up to the franc)
    expect(Number(row.charge)).toBe(money("863"));
    w.sim.sim.setOrderOutcome(Number(row.provider_order_id), { status: "Partial", remains: 333 });
    finishAtProvider(w);
    await runSync(w);
    await runSync(w);
    const after = await orderRow(w, order.uuid);
    // 863 × 333 / 1000 = 287.379 → 287 (a refund rounds down)
    expect(after).toMatchObject({ status: "partial", remains: 333 });
    expect(Number(after.refunded)).toBe(money("287"));
    expect(after.completed_at).not.toBeNull();
    expect(await refunds(u.user.id)).toEqual([money("287")]);
    expect(await balanceOf(w, u.user.id)).toBe(money("1000") - money("863") + money("287"));
    const note = await w.p.services.db.selectFrom("notifications").selectAll().where("user_id", "=", u.user.id).executeTakeFirstOrThrow();
    expect(note).toMatchObject({ type: "order_partial", title: "Commande livrée en partie" });
    expect(plainSpaces(note.body ?? "")).toContain("287 F CFA");
  });

  it("a Canceled order is refunded in full, exactly once even when the sync runs twice", async () => {
    const svc = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "1000");
    await w.p.services.db.updateTable("users").set({ language: "en" }).where("id", "=", u.user.id).execute();
    const { order } = await place(w, u.token, { service_id: svc.id, link: "https://x.test/please-cancel", quantity: 250 });
    finishAtProvider(w);
    await Promise.all([runSync(w), runSync(w)]);
    await runSync(w);
    const row = await orderRow(w, order.uuid);
    expect(row).toMatchObject({ status: "canceled" });
    expect(Number(row.refunded)).toBe(money("250"));
    expect(await refunds(u.user.id)).toEqual([money("250")]);
    expect(await balanceOf(w, u.user.id)).toBe(money("1000"));
    const notes = await w.p.services.db.selectFrom("notifications").selectAll().where("user_id", "=", u.user.id).execute();
    expect(notes.map((n) => [n.type, n.title])).toEqual([["order_canceled", "Order canceled"]]);
  });

  it("orders move through the provider's statuses and complete without a refund", async () => {
    const svc = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "1000");
    const { order } = await place(w, u.token, { service_id: svc.id, link: "https://x.test/progress", quantity: 1000 });
    await runSync(w);
    expect((await orderRow(w, order.uuid)).status).toBe("pending");
    w.sim.sim.advance(w.sim.sim.timing.pendingMs + w.sim.sim.timing.runMs / 2);
    await runSync(w);
    const midway = await orderRow(w, order.uuid);
    expect(midway.status).toBe("in_progress");
    expect(midway.remains).toBeGreaterThan(0);
    expect(midway.start_count).toBeGreaterThan(0);
    finishAtProvider(w);
    await runJobOnce(w.p.services, syncOrdersJob);
    const done = await orderRow(w, order.uuid);
    expect(done).toMatchObject({ status: "completed", remains: 0, refunded: 0 });
    expect(done.completed_at).not.toBeNull();
    expect(await refunds(u.user.id)).toEqual([]);
    expect(await balanceOf(w, u.user.id)).toBe(money("0"));
  });

  it("over-delivery (negative or +N remains) is not a refund", async () => {
    const svc = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "1000");
    const minus = (await place(w, u.token, { service_id: svc.id, link: "https://x.test/over1", quantity: 100 })).order;
    const plus = (await place(w, u.token, { service_id: svc.id, link: "https://x.test/over2", quantity: 100 })).order;
    await applyProviderState(w.p.ctx(), (await orderRow(w, minus.uuid)).id, readOrderState({ status: "Partial", remains: "-15", start_count: "10" })!);
    await applyProviderState(w.p.ctx(), (await orderRow(w, plus.uuid)).id, readOrderState({ status: "Completed", remains: "+15", start_count: "10" })!);
    expect((await orderRow(w, minus.uuid)).status).toBe("partial");
    expect((await orderRow(w, plus.uuid)).status).toBe("completed");
    expect(await refunds(u.user.id)).toEqual([]);
    expect(await balanceOf(w, u.user.id)).toBe(money("800"));
  });

  it("a provider that fails the status call leaves its orders as they were for the next run", async () => {
    const svc = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "1000");
    const { order } = await place(w, u.token, { service_id: svc.id, link: "https://x.test/sync-fault", quantity: 100 });
    finishAtProvider(w);
    w.sim.sim.setFault({ action: "status", kind: "http500" });
    const s = await runSync(w);
    expect(s.errors.length).toBe(1);
    expect((await orderRow(w, order.uuid)).status).toBe("processing");
    w.sim.sim.clearFaults();
    await runSync(w);
    expect((await orderRow(w, order.uuid)).status).toBe("completed");
  });
});

describeEachDialect("status sync batches", (dialect) => {
  let w: World;
  beforeAll(async () => {
    w = await orderWorld(dialect);
  });
  afterAll(() => closeWorld(w));

  it("asks for at most 100 orders per status call: 150 orders take 2 calls", async () => {
    const svc = await addService(w, { rate: "10" });
    const u = await fundedUser(w, "100000");
    const ctx = { ...w.p.ctx(), user: await w.p.services.db.selectFrom("users").selectAll().where("id", "=", u.user.id).executeTakeFirstOrThrow() };
    for (let i = 0; i < 150; i++) await placeOrder(ctx, { service_id: svc.id, link: `https://x.test/batch/${i}`, quantity: 100 }, { source: "api" });
    await settleDispatchKicks(w.p.services);
    const statusCalls = async () => {
      const logs = await w.p.services.db
        .selectFrom("provider_logs")
        .select("request")
        .where("action", "=", "status")
        .where("provider_id", "=", w.providerId)
        .execute();
      return logs.map((l) => (JSON.parse(l.request).orders as string).split(",").length);
    };
    expect(await statusCalls()).toEqual([]);
    finishAtProvider(w);
    const s = await runSync(w);
    expect(s).toMatchObject({ checked: 150, changed: 150, calls: 2 });
    expect((await statusCalls()).sort()).toEqual([100, 50]);
    const open = await w.p.services.db.selectFrom("orders").select("id").where("status", "!=", "completed").execute();
    expect(open).toEqual([]);
    await expectLedgerHolds(w);
  });
});
