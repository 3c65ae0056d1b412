import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect } from "../harness/platform.ts";
import { runJobOnce } from "../../src/jobs/scheduler.ts";
import { dbNow } from "../../src/lib/time.ts";
import { dispatchOrdersJob } from "../../src/orders/jobs.ts";
import { backoffMs, MAX_DISPATCH_ATTEMPTS } from "../../src/orders/dispatch.ts";
import {
  addCalls,
  addService,
  adminToken,
  balanceOf,
  closeWorld,
  expectLedgerHolds,
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

describeEachDialect("dispatching orders to a faulty provider", (dialect) => {
  let w: World;
  let admin: string;
  let svc: { id: number; simId: number };
  beforeAll(async () => {
    w = await orderWorld(dialect);
    admin = await adminToken(w);
    svc = await addService(w, { rate: "1000" });
  });
  afterEach(async () => {
    w.sim.sim.clearFaults();
    await expectLedgerHolds(w);
  });
  afterAll(() => closeWorld(w));

  const simOrdersWithLink = (link: string) => w.sim.sim.orderIds().filter((id) => w.sim.sim.getOrder(id)!.link === link).length;
  const refunds = async (userId: number) => (await ledgerOf(w, userId)).filter((t) => t.type === "refund");

  it("an order placed while the provider is down is kept, retried after the backoff and sent once, charged once", async () => {
    const u = await fundedUser(w, "1000");
    const restart = await stopProvider(w);
    const link = "https://x.test/down";
    const r = await place(w, u.token, { service_id: svc.id, link, quantity: 100 }, { "Idempotency-Key": "down-1" });
    expect(r.status).toBe(201);
    let row = await orderRow(w, r.order.uuid);
    expect(row).toMatchObject({ dispatch_state: "queued", status: "pending", dispatch_attempts: 1 });
    expect(row.last_error).toMatch(/connect/i);
    expect(row.next_attempt_at).toBe(dbNow(w.clock, backoffMs(1)));
    // A client retry while the provider is down replays the order; the job before the backoff sends nothing.
    const again = await place(w, u.token, { service_id: svc.id, link, quantity: 100 }, { "Idempotency-Key": "down-1" });
    expect(again.order.uuid).toBe(r.order.uuid);
    await runDispatch(w);
    expect((await orderRow(w, r.order.uuid)).dispatch_attempts).toBe(1);
    await restart();
    w.clock.advance(backoffMs(1) + 1000);
    const summary = await runDispatch(w);
    expect(summary.sent).toBeGreaterThanOrEqual(1);
    row = await orderRow(w, r.order.uuid);
    expect(row).toMatchObject({ dispatch_state: "sent", status: "processing", dispatch_attempts: 2, last_error: null });
    await runDispatch(w);
    expect(simOrdersWithLink(link)).toBe(1);
    expect(await balanceOf(w, u.user.id)).toBe(money("900"));
  });

  it("a Cloudflare 521 is transient (the panel was not reached): the order goes out on a later run, once", async () => {
    const u = await fundedUser(w, "1000");
    w.sim.sim.setFault({ action: "add", kind: "cf521", times: 1 });
    const link = "https://x.test/cf521";
    const r = await place(w, u.token, { service_id: svc.id, link, quantity: 100 });
    expect(await orderRow(w, r.order.uuid)).toMatchObject({ dispatch_state: "queued", last_error: "HTTP 521 from Cloudflare: the panel was not reached" });
    w.clock.advance(backoffMs(1));
    await runJobOnce(w.p.services, dispatchOrdersJob);
    expect((await orderRow(w, r.order.uuid)).dispatch_state).toBe("sent");
    expect(simOrdersWithLink(link)).toBe(1);
    expect(await refunds(u.user.id)).toEqual([]);
  });

  it("an error answer is definite: the order fails and is refunded exactly once", async () => {
    const u = await fundedUser(w, "1000");
    w.sim.sim.setFault({ action: "add", kind: "error", message: "Incorrect link" });
    const r = await place(w, u.token, { service_id: svc.id, link: "https://x.test/refused", quantity: 100 });
    const row = await orderRow(w, r.order.uuid);
    expect(row).toMatchObject({ dispatch_state: "failed", status: "failed" });
    expect(Number(row.refunded)).toBe(money("100"));
    expect(row.last_error).toContain("Incorrect link");
    await runDispatch(w);
    await runSync(w);
    expect((await refunds(u.user.id)).map((t) => Number(t.amount))).toEqual([money("100")]);
    expect(await balanceOf(w, u.user.id)).toBe(money("1000"));
    const notes = await w.p.services.db.selectFrom("notifications").selectAll().where("user_id", "=", u.user.id).execute();
    expect(notes.map((n) => n.type)).toEqual(["order_failed"]);
    expect(notes[0]!.title).toBe("Commande non transmise");
  });

  it("a provider that never answers leaves the order unknown; it is never re-sent, and an admin can refund it", async () => {
    const u = await fundedUser(w, "1000");
    w.sim.sim.setFault({ action: "add", kind: "hang" });
    const r = await place(w, u.token, { service_id: svc.id, link: "https://x.test/hang", quantity: 100 });
    const row = await orderRow(w, r.order.uuid);
    expect(row).toMatchObject({ dispatch_state: "unknown", status: "pending" });
    w.sim.sim.clearFaults();
    const calls = await addCalls(w);
    w.clock.advance(2 * 60 * 60_000);
    await runDispatch(w);
    await runDispatch(w);
    expect(await addCalls(w)).toBe(calls);
    expect((await orderRow(w, r.order.uuid)).dispatch_state).toBe("unknown");

    const held = await body(await w.p.request("/api/admin/orders?dispatch_state=unknown", { token: admin }));
    expect(held.data.map((o: { id: number }) => o.id)).toContain(row.id);
    const res = await w.p.request(`/api/admin/orders/${row.id}/reconcile`, {
      method: "POST",
      token: admin,
      json: { action: "refund", note: "not on the provider's panel" },
    });
    expect(res.status).toBe(200);
    expect((await body(res)).data).toMatchObject({ status: "failed", dispatch_state: "failed", refunded: "100.00" });
    expect(await balanceOf(w, u.user.id)).toBe(money("1000"));
    const again = await w.p.request(`/api/admin/orders/${row.id}/reconcile`, { method: "POST", token: admin, json: { action: "refund" } });
    expect(again.status).toBe(409);
    expect((await refunds(u.user.id)).length).toBe(1);
    const audit = await w.p.services.db
      .selectFrom("audit_logs")
      .selectAll()
      .where("action", "=", "order.reconcile.refund")
      .where("target_id", "=", String(row.id))
      .execute();
    expect(audit.length).toBe(1);
  });

  it("malformed JSON after sending is unknown; an admin who finds it missing resends it, once", async () => {
    const u = await fundedUser(w, "1000");
    w.sim.sim.setFault({ action: "add", kind: "badjson", times: 1 });
    const link = "https://x.test/badjson";
    const r = await place(w, u.token, { service_id: svc.id, link, quantity: 100 });
    const row = await orderRow(w, r.order.uuid);
    expect(row.dispatch_state).toBe("unknown");
    await runDispatch(w);
    expect(simOrdersWithLink(link)).toBe(0);
    const bad = await w.p.request(`/api/admin/orders/${row.id}/reconcile`, { method: "POST", token: admin, json: { action: "mark_sent" } });
    expect(bad.status).toBe(422);
    const res = await w.p.request(`/api/admin/orders/${row.id}/reconcile`, { method: "POST", token: admin, json: { action: "resend" } });
    expect(res.status).toBe(200);
    await runDispatch(w);
    expect(await orderRow(w, r.order.uuid)).toMatchObject({ dispatch_state: "sent", status: "processing" });
    expect(simOrdersWithLink(link)).toBe(1);
    expect(await balanceOf(w, u.user.id)).toBe(money("900"));
  });

  it("an order the provider took without answering is unknown; marking it sent with the provider's id resumes tracking", async () => {
    const u = await fundedUser(w, "1000");
    w.sim.sim.setFault({ action: "add", kind: "acceptThenHang", times: 1 });
    const link = "https://x.test/accepted";
    const r = await place(w, u.token, { service_id: svc.id, link, quantity: 100 });
    const row = await orderRow(w, r.order.uuid);
    expect(row.dispatch_state).toBe("unknown");
    await runDispatch(w);
    expect(simOrdersWithLink(link)).toBe(1);
    const providerId = w.sim.sim.orderIds().find((id) => w.sim.sim.getOrder(id)!.link === link)!;
    const res = await w.p.request(`/api/admin/orders/${row.id}/reconcile`, {
      method: "POST",
      token: admin,
      json: { action: "mark_sent", provider_order_id: String(providerId) },
    });
    expect((await body(res)).data).toMatchObject({ dispatch_state: "sent", status: "processing", provider_order_id: String(providerId) });
    w.sim.sim.advance(w.sim.sim.timing.pendingMs + w.sim.sim.timing.runMs + 1000);
    await runSync(w);
    expect((await orderRow(w, r.order.uuid)).status).toBe("completed");
    expect(simOrdersWithLink(link)).toBe(1);
    expect(await balanceOf(w, u.user.id)).toBe(money("900"));
  });

  it(`gives up after ${MAX_DISPATCH_ATTEMPTS} transient failures: refunded once and failed`, async () => {
    const u = await fundedUser(w, "1000");
    w.sim.sim.setFault({ action: "add", kind: "cf522" });
    const r = await place(w, u.token, { service_id: svc.id, link: "https://x.test/giveup", quantity: 100 });
    for (let attempt = 1; attempt < MAX_DISPATCH_ATTEMPTS; attempt++) {
      expect(await orderRow(w, r.order.uuid)).toMatchObject({ dispatch_state: "queued", dispatch_attempts: attempt });
      w.clock.advance(backoffMs(attempt));
      await runDispatch(w);
    }
    const row = await orderRow(w, r.order.uuid);
    expect(row).toMatchObject({ dispatch_state: "failed", status: "failed", dispatch_attempts: MAX_DISPATCH_ATTEMPTS });
    expect(row.last_error).toMatch(/^Gave up after 8 attempts/);
    w.clock.advance(backoffMs(MAX_DISPATCH_ATTEMPTS));
    await runDispatch(w);
    expect((await refunds(u.user.id)).length).toBe(1);
    expect(await balanceOf(w, u.user.id)).toBe(money("1000"));
  });

  it("an order left in sending by a crash is held for reconciliation, not re-sent", async () => {
    const u = await fundedUser(w, "1000");
    w.sim.sim.setFault({ action: "add", kind: "http500", times: 1 });
    const r = await place(w, u.token, { service_id: svc.id, link: "https://x.test/crash", quantity: 100 });
    const row = await orderRow(w, r.order.uuid);
    await w.p.services.db
      .updateTable("orders")
      .set({ dispatch_state: "sending", updated_at: dbNow(w.clock) })
      .where("id", "=", row.id)
      .execute();
    const calls = await addCalls(w);
    await runDispatch(w);
    expect((await orderRow(w, r.order.uuid)).dispatch_state).toBe("sending");
    w.clock.advance(10 * 60_000);
    const s = await runDispatch(w);
    expect(s.interrupted).toBe(1);
    expect(await orderRow(w, r.order.uuid)).toMatchObject({ dispatch_state: "unknown", status: "pending" });
    expect(await addCalls(w)).toBe(calls);
  });

  it("two dispatchers racing for the same orders send each one once", async () => {
    const u = await fundedUser(w, "10000");
    const restart = await stopProvider(w);
    const uuids: string[] = [];
    for (let i = 0; i < 6; i++) uuids.push((await place(w, u.token, { service_id: svc.id, link: `https://x.test/race-${i}`, quantity: 100 })).order.uuid);
    await restart();
    w.clock.advance(backoffMs(1));
    const runs = await Promise.all([runDispatch(w), runDispatch(w), runDispatch(w)]);
    expect(runs.reduce((n, r) => n + r.sent, 0)).toBe(6);
    for (let i = 0; i < 6; i++) expect(simOrdersWithLink(`https://x.test/race-${i}`)).toBe(1);
    for (const uuid of uuids) expect((await orderRow(w, uuid)).dispatch_state).toBe("sent");
  });
});
