import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { body, describeEachDialect } from "../harness/platform.ts";
import { runJobOnce } from "../../src/jobs/scheduler.ts";
import { syncOrdersJob } from "../../src/orders/jobs.ts";
import { BATCH_RETRY_MS } from "../../src/orders/sync.ts";
import { dbNow, DAY } from "../../src/lib/time.ts";
import type { Logger } from "../../src/lib/logger.ts";
import { v2 } from "../developer-api/helpers.ts";
import {
  addService,
  adminToken,
  balanceOf,
  closeWorld,
  expectLedgerHolds,
  finishAtProvider,
  fundedUser,
  money,
  orderRow,
  orderWorld,
  place,
  simOrderOf,
  type World,
} from "./support.ts";

/** A logger that keeps its lines, to check what an operator would read. */
function recordingLogger() {
  const lines: { level: string; msg: string; data: Record<string, unknown> }[] = [];
  const keep =
    (level: string) =>
    (msg: string, data: Record<string, unknown> = {}) =>
      void lines.push({ level, msg, data });
  const logger: Logger = { debug: keep("debug"), info: keep("info"), warn: keep("warn"), error: keep("error") };
  return { logger, lines };
}

describeEachDialect("status sync with every kind of panel", (dialect) => {
  let w: World;
  let svc: { id: number };
  let admin: string;
  beforeAll(async () => {
    w = await orderWorld(dialect);
    svc = await addService(w, { rate: "1000" });
    admin = await adminToken(w);
  });
  beforeEach(async () => {
    w.sim.sim.setBatchStatusMode("map");
    w.sim.sim.clearFaults();
    await w.p.services.db
      .updateTable("api_providers")
      .set({ status_single_since: null, last_error: null, last_error_at: null })
      .where("id", "=", w.providerId)
      .execute();
  });
  afterEach(() => expectLedgerHolds(w));
  afterAll(() => closeWorld(w));

  /** Runs `smm:sync-orders` as the scheduler does, with a logger we can read. */
  async function syncJob() {
    const log = recordingLogger();
    const run = await runJobOnce({ ...w.p.services, logger: log.logger }, syncOrdersJob);
    expect(run?.ran).toBe(true);
    return { ...(run!.result as { statuses: { errors: unknown[]; calls: number } }), lines: log.lines };
  }

  /** Status calls made to the provider so far: batched (`orders=`) and one order at a time (`order=`). */
  async function statusCalls() {
    const rows = await w.p.services.db
      .selectFrom("provider_logs")
      .select("request")
      .where("action", "=", "status")
      .where("provider_id", "=", w.providerId)
      .execute();
    const fields = rows.map((r) => JSON.parse(r.request) as Record<string, string>);
    return { batched: fields.filter((f) => f.orders !== undefined).length, single: fields.filter((f) => f.order !== undefined).length };
  }

  async function providerRow() {
    return w.p.services.db.selectFrom("api_providers").selectAll().where("id", "=", w.providerId).executeTakeFirstOrThrow();
  }

  async function adminProviderView() {
    const res = await w.p.request("/api/admin/services/providers", { token: admin });
    expect(res.status).toBe(200);
    return ((await body(res)).data as { id: number }[]).find((p) => p.id === w.providerId) as Record<string, unknown>;
  }

  async function placeOrders(n: number, tag: string) {
    const u = await fundedUser(w, "100000");
    const simBefore = w.sim.sim.orderIds().length;
    const uuids: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await place(w, u.token, { service_id: svc.id, link: `https://x.test/${tag}/${i}`, quantity: 100 });
      expect(r.status).toBe(201);
      uuids.push(r.order.uuid);
    }
    // Each order reached the panel exactly once.
    expect(w.sim.sim.orderIds().length).toBe(simBefore + n);
    return { u, uuids };
  }

  const statuses = async (uuids: string[]) => Promise.all(uuids.map(async (id) => (await orderRow(w, id)).status));

  it("a panel that answers orders= with an error is asked one order at a time, and remembered so", async () => {
    w.sim.sim.setBatchStatusMode("unsupported");
    const { u, uuids } = await placeOrders(3, "unsupported");
    finishAtProvider(w);
    const before = await statusCalls();
    const first = await syncJob();
    expect(await statuses(uuids)).toEqual(["completed", "completed", "completed"]);
    expect(await statusCalls()).toEqual({ batched: before.batched + 1, single: before.single + 3 });
    expect(first.statuses.errors).toEqual([]);
    expect(first.lines).toContainEqual(
      expect.objectContaining({
        level: "warn",
        msg: "provider status call failed",
        data: expect.objectContaining({ provider_id: w.providerId, provider: "Sim", call: "status orders=", reason: "Incorrect order ID" }),
      }),
    );
    expect((await providerRow()).status_single_since).not.toBeNull();
    expect(await adminProviderView()).toMatchObject({ status_mode: "single", last_error: null });

    // The next runs waste no batched call.
    const more = await placeOrders(2, "unsupported-later");
    finishAtProvider(w);
    await syncJob();
    expect(await statuses(more.uuids)).toEqual(["completed", "completed"]);
    expect(await statusCalls()).toEqual({ batched: before.batched + 1, single: before.single + 5 });
    expect(await balanceOf(w, u.user.id)).toBe(money("100000") - money("300"));
  });

  it("an answer that is not a map by id (an empty list) falls back to one call per order", async () => {
    w.sim.sim.setBatchStatusMode("empty");
    const { uuids } = await placeOrders(2, "empty");
    finishAtProvider(w);
    const before = await statusCalls();
    await syncJob();
    expect(await statuses(uuids)).toEqual(["completed", "completed"]);
    expect(await statusCalls()).toEqual({ batched: before.batched + 1, single: before.single + 2 });
    expect((await providerRow()).status_single_since).not.toBeNull();
  });

  it("a batch answered as a list of entries carrying their order id needs no fallback", async () => {
    w.sim.sim.setBatchStatusMode("list");
    const { uuids } = await placeOrders(2, "list");
    finishAtProvider(w);
    const before = await statusCalls();
    await syncJob();
    expect(await statuses(uuids)).toEqual(["completed", "completed"]);
    expect(await statusCalls()).toEqual({ batched: before.batched + 1, single: before.single });
    expect((await providerRow()).status_single_since).toBeNull();
  });

  it("a panel remembered as single-only is asked for a batch again after a week, and goes back to batches when it answers", async () => {
    await w.p.services.db
      .updateTable("api_providers")
      .set({ status_single_since: dbNow(w.clock, -DAY) })
      .where("id", "=", w.providerId)
      .execute();
    const recent = await placeOrders(2, "recent-single");
    finishAtProvider(w);
    let before = await statusCalls();
    await syncJob();
    expect(await statuses(recent.uuids)).toEqual(["completed", "completed"]);
    expect(await statusCalls()).toEqual({ batched: before.batched, single: before.single + 2 });

    await w.p.services.db
      .updateTable("api_providers")
      .set({ status_single_since: dbNow(w.clock, -BATCH_RETRY_MS - 60_000) })
      .where("id", "=", w.providerId)
      .execute();
    const old = await placeOrders(2, "old-single");
    finishAtProvider(w);
    before = await statusCalls();
    await syncJob();
    expect(await statuses(old.uuids)).toEqual(["completed", "completed"]);
    expect(await statusCalls()).toEqual({ batched: before.batched + 1, single: before.single });
    expect(await adminProviderView()).toMatchObject({ status_mode: "batch", status_single_since: null });
  });

  it("a failed status call is logged with the provider and the reason, kept as last_error with its time, and cleared once sync works", async () => {
    const { uuids } = await placeOrders(2, "http500");
    finishAtProvider(w);
    w.sim.sim.setFault({ action: "status", kind: "http500" });
    const failed = await syncJob();
    expect(failed.statuses.errors).toHaveLength(1);
    expect(await statuses(uuids)).toEqual(["processing", "processing"]);
    expect(failed.lines).toContainEqual(
      expect.objectContaining({
        level: "warn",
        msg: "provider status call failed",
        data: expect.objectContaining({ provider_id: w.providerId, provider: "Sim", reason: "unknown: HTTP 500" }),
      }),
    );
    const row = await providerRow();
    expect(row).toMatchObject({ last_error: "status: unknown: HTTP 500", last_error_at: dbNow(w.clock) });
    // A failing batch is not a panel without batches: it stays on batches.
    expect(row.status_single_since).toBeNull();
    expect(await adminProviderView()).toMatchObject({
      last_error: "status: unknown: HTTP 500",
      last_error_at: w.clock.now().toISOString(),
      status_mode: "batch",
    });

    w.sim.sim.clearFaults();
    const ok = await syncJob();
    expect(ok.statuses.errors).toEqual([]);
    expect(await statuses(uuids)).toEqual(["completed", "completed"]);
    expect(await adminProviderView()).toMatchObject({ last_error: null, last_error_at: null });
  });

  it("a refusal of every single status call stops after a few calls without switching the panel to single calls", async () => {
    const { uuids } = await placeOrders(4, "refused");
    finishAtProvider(w);
    w.sim.sim.setFault({ action: "status", kind: "error", message: "Incorrect order ID" });
    const before = await statusCalls();
    const r = await syncJob();
    expect(r.statuses.errors).toHaveLength(1);
    // One batch, then three single calls: the third failure in a row stops the run.
    expect(await statusCalls()).toEqual({ batched: before.batched + 1, single: before.single + 3 });
    expect(await providerRow()).toMatchObject({ last_error: "status: definite: Incorrect order ID", status_single_since: null });
    const rows = await Promise.all(uuids.map((id) => orderRow(w, id)));
    expect(rows.filter((o) => o.last_error === "Status check: Incorrect order ID")).toHaveLength(3);
    expect(rows.map((o) => o.status)).toEqual(["processing", "processing", "processing", "processing"]);

    w.sim.sim.clearFaults();
    await syncJob();
    expect(await statuses(uuids)).toEqual(["completed", "completed", "completed", "completed"]);
    expect((await providerRow()).last_error).toBeNull();
  });

  it("a refusal about the provider (a bad key) stops the run at the batched call, with no single calls", async () => {
    const { uuids } = await placeOrders(2, "bad-key");
    finishAtProvider(w);
    w.sim.sim.setFault({ action: "status", kind: "error", message: "Invalid API key" });
    const before = await statusCalls();
    const r = await syncJob();
    expect(r.statuses.errors).toHaveLength(1);
    expect(await statusCalls()).toEqual({ batched: before.batched + 1, single: before.single });
    expect(await providerRow()).toMatchObject({ last_error: "status: blocked: Invalid API key", status_single_since: null });
    w.sim.sim.clearFaults();
    await syncJob();
    expect(await statuses(uuids)).toEqual(["completed", "completed"]);
  });
});

describeEachDialect("subscription states and what customers finally paid", (dialect) => {
  let w: World;
  beforeAll(async () => {
    w = await orderWorld(dialect);
  });
  afterEach(() => expectLedgerHolds(w));
  afterAll(() => closeWorld(w));

  it("Active and Paused keep a subscription open, Expired refunds the unused part, Cancelled refunds it all, Completed nothing", async () => {
    const sub = await addService(w, { type: "Subscriptions", rate: "1000", min: 50, max: 1000 });
    const u = await fundedUser(w, "10000");
    const simBefore = w.sim.sim.orderIds().length;
    const placeSub = async (name: string) => {
      const r = await place(w, u.token, { service_id: sub.id, username: `@${name}`, min: 100, max: 200, posts: 5 });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      // 200 × 5 posts at 1000 per 1000.
      expect(r.order).toMatchObject({ quantity: 1000, charge: "1000.00", link: name });
      return r.order.uuid as string;
    };
    const outcomes = [
      ["active", { status: "Active" }],
      ["paused", { status: "Paused" }],
      ["expired", { status: "Expired", remains: 400 }],
      ["cancelled", { status: "Canceled" }],
      ["completed", { status: "Completed" }],
    ] as const;
    const uuids: Record<string, string> = {};
    for (const [name, outcome] of outcomes) {
      uuids[name] = await placeSub(name);
      const simOrder = await simOrderOf(w, uuids[name]!);
      expect(simOrder.extra).toMatchObject({ username: name, posts: "5" });
      w.sim.sim.setOrderOutcome(simOrder.id, outcome);
    }
    expect(w.sim.sim.orderIds().length).toBe(simBefore + outcomes.length);
    finishAtProvider(w);
    expect((await simOrderOf(w, uuids.active!)).status).toBe("Active");
    expect((await simOrderOf(w, uuids.paused!)).status).toBe("Paused");
    expect((await simOrderOf(w, uuids.expired!)).status).toBe("Expired");
    expect((await simOrderOf(w, uuids.cancelled!)).status).toBe("Cancelled");

    await runJobOnce(w.p.services, syncOrdersJob);
    await runJobOnce(w.p.services, syncOrdersJob);
    const row = async (name: string) => {
      const o = await orderRow(w, uuids[name]!);
      return { status: o.status, refunded: Number(o.refunded) };
    };
    expect(await row("active")).toEqual({ status: "in_progress", refunded: 0 });
    expect(await row("paused")).toEqual({ status: "in_progress", refunded: 0 });
    expect(await row("expired")).toEqual({ status: "partial", refunded: money("400") });
    expect(await row("cancelled")).toEqual({ status: "canceled", refunded: money("1000") });
    expect(await row("completed")).toEqual({ status: "completed", refunded: 0 });
    expect(await balanceOf(w, u.user.id)).toBe(money("10000") - money("5000") + money("400") + money("1000"));

    // A paused subscription that resumes and ends is followed to its end.
    w.sim.sim.setOrderOutcome((await simOrderOf(w, uuids.paused!)).id, { status: "Completed" });
    await runJobOnce(w.p.services, syncOrdersJob);
    expect(await row("paused")).toEqual({ status: "completed", refunded: 0 });
  });

  it("v2 status reports charge less refunds, for one order and for several", async () => {
    const svc = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "5000");
    const made = await w.p.request("/api/user/api-keys", {
      method: "POST",
      token: u.token,
      json: { name: "panel", permissions: ["orders.create", "orders.read"] },
    });
    const key = (await body(made)).data.key as string;
    const partial = await v2(w.p, { key, action: "add", service: svc.id, link: "https://x.test/v2-partial", quantity: 1000 });
    const full = await v2(w.p, { key, action: "add", service: svc.id, link: "https://x.test/v2-full", quantity: 1000 });
    expect(typeof partial.json.order).toBe("number");
    await expectLedgerHolds(w);
    finishAtProvider(w);
    await runJobOnce(w.p.services, syncOrdersJob);
    const partialRow = await w.p.services.db.selectFrom("orders").selectAll().where("id", "=", partial.json.order).executeTakeFirstOrThrow();
    // The panel delivered half: half the charge came back.
    expect({ status: partialRow.status, refunded: Number(partialRow.refunded) }).toEqual({ status: "partial", refunded: money("500") });

    const one = await v2(w.p, { key, action: "status", order: partial.json.order });
    expect(one.json).toMatchObject({ status: "Partial", charge: "500.00", remains: "500" });
    const many = await v2(w.p, { key, action: "status", orders: `${partial.json.order},${full.json.order}` });
    expect(many.json[String(partial.json.order)]).toMatchObject({ status: "Partial", charge: "500.00" });
    expect(many.json[String(full.json.order)]).toMatchObject({ status: "Completed", charge: "1000.00" });
    expect(await balanceOf(w, u.user.id)).toBe(money("5000") - money("1500"));
  });
});
