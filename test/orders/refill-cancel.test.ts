import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect } from "../harness/platform.ts";
import { DAY } from "../../src/lib/time.ts";
import { syncRefills } from "../../src/orders/sync.ts";
import {
  addCalls,
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
  runDispatch,
  runSync,
  stopProvider,
  type World,
} from "./support.ts";

describeEachDialect("refills and cancellations", (dialect) => {
  let w: World;
  beforeAll(async () => {
    w = await orderWorld(dialect);
  });
  afterEach(async () => {
    w.sim.sim.clearFaults();
    await expectLedgerHolds(w);
  });
  afterAll(() => closeWorld(w));

  const refill = (token: string, uuid: string) => w.p.request(`/api/user/orders/${uuid}/refill`, { method: "POST", token });
  const cancel = (token: string, uuid: string) => w.p.request(`/api/user/orders/${uuid}/cancel`, { method: "POST", token });
  const refunds = async (userId: number) => (await ledgerOf(w, userId)).filter((t) => t.type === "refund").map((t) => Number(t.amount));

  it("a completed order of a refill service can be refilled once at a time, within its window", async () => {
    const svc = await addService(w, { rate: "1000", refill: true, refillDays: 30 });
    const u = await fundedUser(w, "1000");
    const { order } = await place(w, u.token, { service_id: svc.id, link: "https://x.test/refill", quantity: 100 });
    const early = await refill(u.token, order.uuid);
    expect(early.status).toBe(422);
    expect((await body(early)).error.code).toBe("refill_not_available");

    finishAtProvider(w);
    await runSync(w);
    expect((await orderRow(w, order.uuid)).status).toBe("completed");
    const first = await refill(u.token, order.uuid);
    expect(first.status).toBe(201);
    expect((await body(first)).data.status).toBe("pending");
    const second = await refill(u.token, order.uuid);
    expect(second.status).toBe(409);
    expect((await body(second)).error.code).toBe("refill_in_progress");
    const rows = await w.p.services.db
      .selectFrom("refills")
      .selectAll()
      .where("order_id", "=", (await orderRow(w, order.uuid)).id)
      .execute();
    expect(rows.length).toBe(1);
    expect(rows[0]!.provider_refill_id).not.toBeNull();

    // Once the provider reports the refill done, another may be asked for.
    finishAtProvider(w);
    expect(await syncRefills(w.p.ctx())).toMatchObject({ ended: 1 });
    expect((await refill(u.token, order.uuid)).status).toBe(201);
    finishAtProvider(w);
    await syncRefills(w.p.ctx());

    w.clock.advance(31 * DAY);
    const late = await refill(u.token, order.uuid);
    expect(late.status).toBe(422);
    expect((await body(late)).error.code).toBe("refill_window_over");
    expect(await balanceOf(w, u.user.id)).toBe(money("900"));
  });

  it("concurrent refill requests open a single refill", async () => {
    const svc = await addService(w, { rate: "1000", refill: true });
    const u = await fundedUser(w, "1000");
    const { order } = await place(w, u.token, { service_id: svc.id, link: "https://x.test/refill-race", quantity: 100 });
    finishAtProvider(w);
    await runSync(w);
    const answers = await Promise.all(Array.from({ length: 5 }, () => refill(u.token, order.uuid)));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
  });

  it("a service without refill, or an order that is not finished, cannot be refilled", async () => {
    const svc = await addService(w, { rate: "1000", refill: false });
    const u = await fundedUser(w, "1000");
    const { order } = await place(w, u.token, { service_id: svc.id, link: "https://x.test/norefill", quantity: 100 });
    finishAtProvider(w);
    await runSync(w);
    const r = await refill(u.token, order.uuid);
    expect(r.status).toBe(422);
    expect((await body(r)).error.code).toBe("refill_not_available");
  });

  it("an order never sent is canceled and refunded at once, and is never sent afterwards", async () => {
    const svc = await addService(w, { rate: "1000", cancel: true });
    const u = await fundedUser(w, "1000");
    const restart = await stopProvider(w);
    const { order } = await place(w, u.token, { service_id: svc.id, link: "https://x.test/cxl-queued", quantity: 100 });
    await restart();
    const res = await cancel(u.token, order.uuid);
    expect(res.status).toBe(200);
    expect((await body(res)).data).toMatchObject({ status: "canceled", refunded: "100.00" });
    const calls = await addCalls(w);
    w.clock.advance(60 * 60_000);
    await runDispatch(w);
    expect(await addCalls(w)).toBe(calls);
    expect(await orderRow(w, order.uuid)).toMatchObject({ status: "canceled", dispatch_state: "failed" });
    expect(await refunds(u.user.id)).toEqual([money("100")]);
    expect((await cancel(u.token, order.uuid)).status).toBe(422);
    expect(await balanceOf(w, u.user.id)).toBe(money("1000"));
  });

  it("an order pending at the provider is canceled there, and refunded once the provider reports it", async () => {
    const svc = await addService(w, { rate: "1000", cancel: true });
    const u = await fundedUser(w, "1000");
    const { order } = await place(w, u.token, { service_id: svc.id, link: "https://x.test/cxl-sent", quantity: 100 });
    const res = await cancel(u.token, order.uuid);
    expect(res.status).toBe(200);
    expect((await body(res)).data).toMatchObject({ status: "canceled", refunded: "100.00" });
    await runSync(w);
    expect(await refunds(u.user.id)).toEqual([money("100")]);
    expect(await balanceOf(w, u.user.id)).toBe(money("1000"));
  });

  it("when the status check after a cancel fails, the refund waits for the scheduled sync", async () => {
    const svc = await addService(w, { rate: "1000", cancel: true });
    const u = await fundedUser(w, "1000");
    const { order } = await place(w, u.token, { service_id: svc.id, link: "https://x.test/cxl-later", quantity: 100 });
    w.sim.sim.setFault({ action: "status", kind: "error", message: "Try later", times: 1 });
    const res = await cancel(u.token, order.uuid);
    expect(res.status).toBe(202);
    expect((await body(res)).meta.awaiting_provider).toBe(true);
    expect(await refunds(u.user.id)).toEqual([]);
    await runSync(w);
    expect((await orderRow(w, order.uuid)).status).toBe("canceled");
    expect(await refunds(u.user.id)).toEqual([money("100")]);
  });

  it("an order already running, or of a service without cancel, is not canceled and nothing is refunded", async () => {
    const svc = await addService(w, { rate: "1000", cancel: true });
    const noCancel = await addService(w, { rate: "1000", cancel: false });
    const u = await fundedUser(w, "1000");
    const running = (await place(w, u.token, { service_id: svc.id, link: "https://x.test/running", quantity: 100 })).order;
    const other = (await place(w, u.token, { service_id: noCancel.id, link: "https://x.test/no-cxl", quantity: 100 })).order;
    const refused = await cancel(u.token, other.uuid);
    expect(refused.status).toBe(422);
    expect((await body(refused)).error.code).toBe("cancel_not_available");
    // The provider has started the order (our status not synced yet): the provider refuses.
    w.sim.sim.advance(w.sim.sim.timing.pendingMs + 1000);
    const late = await cancel(u.token, running.uuid);
    expect(late.status).toBe(422);
    expect((await body(late)).error.code).toBe("cancel_refused");
    await runSync(w);
    expect((await orderRow(w, running.uuid)).status).toBe("in_progress");
    expect((await cancel(u.token, running.uuid)).status).toBe(422);
    expect(await refunds(u.user.id)).toEqual([]);
    expect(await balanceOf(w, u.user.id)).toBe(money("800"));
  });

  it("the panel's own refusal texts never reach the customer; the admin reads them", async () => {
    const leak = "Refused by SuperPanel-XYZ.example";
    const svc = await addService(w, { rate: "1000", cancel: true, refill: true });
    const u = await fundedUser(w, "1000");
    const { order } = await place(w, u.token, { service_id: svc.id, link: "https://x.test/cxl-leak", quantity: 100 });
    w.sim.sim.setFault({ action: "cancel", kind: "error", message: leak, times: 1 });
    const res = await cancel(u.token, order.uuid);
    expect(res.status).toBe(422);
    const answer = await body(res);
    expect(answer.error).toMatchObject({ code: "cancel_refused", message: "The cancellation was refused for this order" });
    expect(JSON.stringify(answer)).not.toContain("XYZ");
    w.sim.sim.setFault({ action: "cancel", kind: "error", message: `${leak}: not enough funds`, times: 1 });
    const held = await cancel(u.token, order.uuid);
    expect(held.status).toBe(503);
    expect(JSON.stringify(await body(held))).not.toContain("XYZ");

    finishAtProvider(w);
    await runSync(w);
    w.sim.sim.setFault({ action: "refill", kind: "error", message: leak, times: 1 });
    const r = await refill(u.token, order.uuid);
    expect(r.status).toBe(422);
    expect(JSON.stringify(await body(r))).not.toContain("XYZ");
    const stored = await w.p.services.db
      .selectFrom("refills")
      .select("last_error")
      .where("order_id", "=", (await orderRow(w, order.uuid)).id)
      .execute();
    expect(stored.map((x) => x.last_error)).toEqual([leak]);
    expect(await refunds(u.user.id)).toEqual([]);
  });
});
