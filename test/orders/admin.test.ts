import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { auditRows } from "../harness/audit.ts";
import { body, describeEachDialect } from "../harness/platform.ts";
import {
  addCalls,
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
  PROVIDER_KEY,
  runDispatch,
  runSync,
  stopProvider,
  type World,
} from "./support.ts";

describeEachDialect("admin order management", (dialect) => {
  let w: World;
  let admin: string;
  beforeAll(async () => {
    w = await orderWorld(dialect);
    admin = await adminToken(w);
  });
  afterEach(() => expectLedgerHolds(w));
  afterAll(() => closeWorld(w));

  const put = (id: number, json: unknown) => w.p.request(`/api/admin/orders/${id}/status`, { method: "PUT", token: admin, json });
  const refund = (id: number, json: unknown, headers: Record<string, string> = {}) =>
    w.p.request(`/api/admin/orders/${id}/refund`, { method: "POST", token: admin, json, headers });
  const refunds = async (userId: number) => (await ledgerOf(w, userId)).filter((t) => t.type === "refund").map((t) => Number(t.amount));

  it("lists orders with filters, and shows charge, provider cost and profit", async () => {
    const svc = await addService(w, { rate: "1000", providerRate: "1" });
    const other = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "5000");
    const a = (await place(w, u.token, { service_id: svc.id, link: "https://x.test/adm-a", quantity: 1000 })).order;
    await place(w, u.token, { service_id: other.id, link: "https://x.test/adm-b", quantity: 100 });
    const res = await w.p.request(`/api/admin/orders?user_id=${u.user.id}&service_id=${svc.id}`, { token: admin });
    expect(res.status).toBe(200);
    const list = await body(res);
    expect(list.meta.total).toBe(1);
    // 1000 XOF charged; 1 USD = 600 XOF to the provider: 400 XOF profit.
    expect(list.data[0]).toMatchObject({
      uuid: a.uuid,
      charge: "1000.00",
      provider_cost: "600.00",
      profit: "400.00",
      dispatch_state: "sent",
      user: { id: u.user.id },
    });
    const byState = await body(await w.p.request(`/api/admin/orders?user_id=${u.user.id}&status=processing&dispatch_state=sent`, { token: admin }));
    expect(byState.meta.total).toBe(2);
    const today = new Date(w.clock.now()).toISOString().slice(0, 10);
    expect((await body(await w.p.request(`/api/admin/orders?user_id=${u.user.id}&from=${today}&to=${today}`, { token: admin }))).meta.total).toBe(2);
    expect((await body(await w.p.request(`/api/admin/orders?user_id=${u.user.id}&from=2099-01-01`, { token: admin }))).meta.total).toBe(0);
    expect((await body(await w.p.request(`/api/admin/orders?search=adm-b`, { token: admin }))).meta.total).toBe(1);
    // The number the customer quotes (#1234) finds the order.
    const byNumber = await body(await w.p.request(`/api/admin/orders?search=%23${list.data[0].number}`, { token: admin }));
    expect(byNumber.data.map((o: { uuid: string }) => o.uuid)).toEqual([a.uuid]);
    expect((await w.p.request("/api/admin/orders?dispatch_state=lost", { token: admin })).status).toBe(422);
    expect((await w.p.request("/api/admin/orders?from=yesterday", { token: admin })).status).toBe(422);
  });

  it("shows an order with its provider calls, the provider key never included", async () => {
    const svc = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "1000");
    const { order } = await place(w, u.token, { service_id: svc.id, link: "https://x.test/adm-show", quantity: 100 });
    const id = (await orderRow(w, order.uuid)).id;
    const res = await w.p.request(`/api/admin/orders/${id}`, { token: admin });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(PROVIDER_KEY);
    const d = JSON.parse(text).data;
    expect(d.provider_logs.map((l: { action: string }) => l.action)).toEqual(["add"]);
    expect(JSON.parse(d.provider_logs[0].request)).toMatchObject({ action: "add", key: "[redacted]", link: "https://x.test/adm-show" });
    expect(d.transactions.map((t: { type: string; amount: string }) => [t.type, t.amount])).toEqual([["order", "-100.00"]]);
    expect((await w.p.request("/api/admin/orders/999999", { token: admin })).status).toBe(404);
    expect((await w.p.request("/api/admin/orders/abc", { token: admin })).status).toBe(404);
  });

  it("setting a status by hand refunds canceled orders once and closes them", async () => {
    const svc = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "1000");
    const { order } = await place(w, u.token, { service_id: svc.id, link: "https://x.test/adm-status", quantity: 100 });
    const id = (await orderRow(w, order.uuid)).id;
    const partialWithout = await put(id, { status: "partial" });
    expect(partialWithout.status).toBe(422);
    expect((await body(partialWithout)).error.details.remains).toBeDefined();
    expect((await put(id, { status: "lost" })).status).toBe(422);
    const done = await put(id, { status: "completed" });
    expect((await body(done)).data).toMatchObject({ status: "completed", refunded: "0.00" });
    const canceled = await put(id, { status: "canceled", note: "provider refunded us" });
    expect(canceled.status).toBe(200);
    expect((await body(canceled)).data).toMatchObject({ status: "canceled", refunded: "100.00" });
    const again = await put(id, { status: "refunded" });
    expect(again.status).toBe(409);
    expect((await body(again)).error.code).toBe("order_closed");
    await runSync(w);
    expect(await refunds(u.user.id)).toEqual([money("100")]);
    expect(await balanceOf(w, u.user.id)).toBe(money("1000"));
    expect((await auditRows(w.p, "order.status", id)).length).toBe(2);
  });

  it("a partial set by hand refunds pro rata of the remains given", async () => {
    const svc = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "1000");
    const { order } = await place(w, u.token, { service_id: svc.id, link: "https://x.test/adm-partial", quantity: 300 });
    const id = (await orderRow(w, order.uuid)).id;
    expect((await put(id, { status: "partial", remains: 301 })).status).toBe(422);
    const res = await put(id, { status: "partial", remains: 100 });
    expect((await body(res)).data).toMatchObject({ status: "partial", remains: 100, refunded: "100.00" });
    expect(await refunds(u.user.id)).toEqual([money("100")]);
  });

  it("an order not sent yet can only be canceled by hand, and is then never sent", async () => {
    const svc = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "1000");
    const restart = await stopProvider(w);
    const { order } = await place(w, u.token, { service_id: svc.id, link: "https://x.test/adm-queued", quantity: 100 });
    await restart();
    const id = (await orderRow(w, order.uuid)).id;
    const completed = await put(id, { status: "completed" });
    expect(completed.status).toBe(409);
    expect((await body(completed)).error.code).toBe("order_not_sent");
    expect((await put(id, { status: "canceled" })).status).toBe(200);
    const calls = await addCalls(w);
    w.clock.advance(60 * 60_000);
    await runDispatch(w);
    expect(await addCalls(w)).toBe(calls);
    expect(await balanceOf(w, u.user.id)).toBe(money("1000"));
  });

  it("refunds part or all of what is left, never more, audit-logged and idempotent", async () => {
    const svc = await addService(w, { rate: "1000" });
    const u = await fundedUser(w, "1000");
    const { order } = await place(w, u.token, { service_id: svc.id, link: "https://x.test/adm-refund", quantity: 500 });
    finishAtProvider(w);
    await runSync(w);
    const id = (await orderRow(w, order.uuid)).id;
    expect((await refund(id, { amount: "100" })).status).toBe(422);
    // A refund books whole francs: 120.5 XOF is refused, naming the field, and changes nothing.
    const fraction = await refund(id, { amount: "120.5", reason: "slow delivery" });
    expect(fraction.status).toBe(422);
    expect((await body(fraction)).error.details.amount).toEqual(["The amount must be a whole number of XOF, without decimals"]);
    const part = await refund(id, { amount: "120", reason: "slow delivery" }, { "Idempotency-Key": "adm-r-1" });
    expect(part.status).toBe(200);
    expect((await body(part)).data).toMatchObject({ status: "completed", refunded: "120.00" });
    const replay = await refund(id, { amount: "120", reason: "slow delivery" }, { "Idempotency-Key": "adm-r-1" });
    expect(replay.status).toBe(200);
    const tooMuch = await refund(id, { amount: "381", reason: "too much" });
    expect(tooMuch.status).toBe(422);
    expect((await body(tooMuch)).error.details.amount).toEqual(["At most 380.00"]);
    const rest = await refund(id, { reason: "customer left" });
    expect((await body(rest)).data).toMatchObject({ status: "refunded", refunded: "500.00" });
    const nothing = await refund(id, { reason: "again" });
    expect(nothing.status).toBe(422);
    expect((await body(nothing)).error.code).toBe("nothing_to_refund");
    expect(await refunds(u.user.id)).toEqual([money("120"), money("380")]);
    expect(await balanceOf(w, u.user.id)).toBe(money("1000"));
    expect((await auditRows(w.p, "order.refund", id)).map((a) => JSON.parse(a.data!).amount)).toEqual(["120.00", "380.00"]);
    const notes = await w.p.services.db.selectFrom("notifications").select("type").where("user_id", "=", u.user.id).orderBy("id").execute();
    expect(notes.map((n) => n.type)).toEqual(["order_completed", "order_refunded", "order_refunded"]);
  });
});
