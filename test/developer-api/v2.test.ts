import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect } from "../harness/platform.ts";
import { dbNow } from "../../src/lib/time.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import {
  addService,
  balanceOf,
  closeWorld,
  expectLedgerHolds,
  finishAtProvider,
  fundedUser,
  money,
  orderWorld,
  runSync,
  type World,
} from "../orders/support.ts";
import { ALL_PERMISSIONS, apiLogsOf, createKeyVia, v2 } from "./helpers.ts";

const STATUS_KEYS = ["charge", "currency", "remains", "start_count", "status"];

describeEachDialect("standard SMM API v2 served by the platform", (dialect) => {
  let w: World;
  let plain: { id: number };
  let refillable: { id: number };
  let cancelable: { id: number };
  beforeAll(async () => {
    w = await orderWorld(dialect);
    plain = await addService(w, { rate: "1000", min: 10, max: 10_000, dripfeed: true });
    refillable = await addService(w, { rate: "2000", refill: true, refillDays: 30 });
    cancelable = await addService(w, { rate: "500", cancel: true });
  });
  afterAll(() => closeWorld(w));

  async function keyed(funds = "100000", extra: Record<string, unknown> = {}) {
    const u = await fundedUser(w, funds);
    const made = await createKeyVia(w.p, u.token, { name: "panel", permissions: ALL_PERMISSIONS, ...extra });
    return { ...u, key: made.json.data.key as string, keyUuid: made.json.data.id as string };
  }

  async function call(fields: Record<string, string | number>, opts: { ip?: string } = {}) {
    const r = await v2(w.p, fields, opts);
    await settleDispatchKicks(w.p.services);
    return r;
  }

  it("services: the standard array at the key owner's price, rate per 1000 as a string", async () => {
    const u = await keyed();
    const now = dbNow(w.clock);
    await w.p.services.db
      .insertInto("service_prices_override")
      .values({ user_id: u.user.id, service_id: refillable.id, rate: money("1500.25"), created_at: now, updated_at: now })
      .execute();
    const r = await call({ key: u.key, action: "services" });
    expect(r.status).toBe(200);
    expect(Array.isArray(r.json)).toBe(true);
    const s = r.json.find((x: { service: number }) => x.service === plain.id);
    expect(Object.keys(s).sort()).toEqual(["cancel", "category", "dripfeed", "max", "min", "name", "rate", "refill", "service", "type"]);
    expect(s).toMatchObject({
      service: plain.id,
      type: "Default",
      category: "Test",
      rate: "1000.00",
      min: "10",
      max: "10000",
      refill: false,
      cancel: false,
      dripfeed: true,
    });
    expect(r.json.find((x: { service: number }) => x.service === refillable.id)).toMatchObject({ rate: "1500.25", refill: true });
  });

  it("add: charges the owner and answers the order's number", async () => {
    const u = await keyed("5000");
    const r = await call({ key: u.key, action: "add", service: plain.id, link: "https://instagram.com/p/v2", quantity: 1000 });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(["order"]);
    expect(typeof r.json.order).toBe("number");
    const row = await w.p.services.db.selectFrom("orders").selectAll().where("site_id", "=", 0).where("number", "=", r.json.order).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ user_id: u.user.id, source: "api_v2", quantity: 1000, charge: money("1000") });
    expect(await balanceOf(w, u.user.id)).toBe(money("4000"));
    await expectLedgerHolds(w);
  });

  it("add: drip-feed runs are charged runs × quantity", async () => {
    const u = await keyed("5000");
    const r = await call({ key: u.key, action: "add", service: plain.id, link: "https://instagram.com/p/drip", quantity: 100, runs: 5, interval: 30 });
    const row = await w.p.services.db.selectFrom("orders").selectAll().where("site_id", "=", 0).where("number", "=", r.json.order).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ runs: 5, interval: 30, charge: money("500") });
  });

  it("add: refusals are {error} with HTTP 200 and charge nothing", async () => {
    const u = await keyed("100");
    const cases: [Record<string, string | number>, string | RegExp][] = [
      [{ service: 999999, link: "https://x.com/a", quantity: 100 }, "Incorrect service ID"],
      [{ service: "abc", link: "https://x.com/a", quantity: 100 }, "Incorrect service ID"],
      [{ service: plain.id, link: "https://x.com/a", quantity: 5 }, /^Incorrect quantity: /],
      [{ service: plain.id, link: "nope", quantity: 100 }, /^Incorrect link: /],
      [{ service: plain.id, link: "https://x.com/a", quantity: 1000 }, "Not enough funds on balance"],
    ];
    for (const [fields, message] of cases) {
      const r = await call({ key: u.key, action: "add", ...fields });
      expect(r.status).toBe(200);
      expect(Object.keys(r.json)).toEqual(["error"]);
      expect(r.json.error).toMatch(message);
    }
    expect(await balanceOf(w, u.user.id)).toBe(money("100"));
    await expectLedgerHolds(w);
  });

  it("status: the standard shape with capitalised statuses, from Pending to Completed", async () => {
    const u = await keyed();
    const { json: placed } = await call({ key: u.key, action: "add", service: plain.id, link: "https://x.com/s", quantity: 200 });
    const pending = await call({ key: u.key, action: "status", order: placed.order });
    expect(Object.keys(pending.json).sort()).toEqual(STATUS_KEYS);
    const row = await w.p.services.db
      .selectFrom("orders")
      .select("status")
      .where("site_id", "=", 0)
      .where("number", "=", placed.order)
      .executeTakeFirstOrThrow();
    expect(row.status).toMatch(/^(pending|processing)$/);
    expect(pending.json).toMatchObject({ charge: "200.00", status: row.status === "pending" ? "Pending" : "Processing", remains: "200", currency: "XOF" });
    finishAtProvider(w);
    await runSync(w);
    const done = await call({ key: u.key, action: "status", order: placed.order });
    expect(done.json).toMatchObject({ charge: "200.00", status: "Completed", remains: "0", currency: "XOF" });
    expect(done.json.start_count).toMatch(/^\d+$/);
  });

  it("status of several orders: keyed by id, others' and unknown ids answer Incorrect order ID", async () => {
    const a = await keyed();
    const b = await keyed();
    const one = (await call({ key: a.key, action: "add", service: plain.id, link: "https://x.com/1", quantity: 100 })).json.order;
    const two = (await call({ key: a.key, action: "add", service: plain.id, link: "https://x.com/2", quantity: 300 })).json.order;
    const theirs = (await call({ key: b.key, action: "add", service: plain.id, link: "https://x.com/3", quantity: 100 })).json.order;
    const r = await call({ key: a.key, action: "status", orders: `${one}, ${two},${theirs},99999999,abc` });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual([String(one), String(two), String(theirs), "99999999", "abc"].sort());
    expect(Object.keys(r.json[one]).sort()).toEqual(STATUS_KEYS);
    expect(r.json[two]).toMatchObject({ charge: "300.00", remains: "300" });
    for (const id of [theirs, "99999999", "abc"]) expect(r.json[id]).toEqual({ error: "Incorrect order ID" });
    expect((await call({ key: a.key, action: "status", order: theirs })).json).toEqual({ error: "Incorrect order ID" });
    const tooMany = Array.from({ length: 101 }, (_, i) => i + 1).join(",");
    expect((await call({ key: a.key, action: "status", orders: tooMany })).json).toEqual({ error: "Maximum 100 IDs per request" });
  });

  it("balance: the owner's balance and currency", async () => {
    const u = await keyed("2500.75");
    expect((await call({ key: u.key, action: "balance" })).json).toEqual({ balance: "2500.75", currency: "XOF" });
  });

  it("refill and refill_status of a completed order of a refillable service", async () => {
    const u = await keyed();
    const { json: placed } = await call({ key: u.key, action: "add", service: refillable.id, link: "https://x.com/r", quantity: 100 });
    const early = await call({ key: u.key, action: "refill", order: placed.order });
    expect(Object.keys(early.json)).toEqual(["error"]);
    finishAtProvider(w);
    await runSync(w);
    const r = await call({ key: u.key, action: "refill", order: placed.order });
    expect(r.json).toEqual({ refill: expect.stringMatching(/^\d+$/) });
    const st = await call({ key: u.key, action: "refill_status", refill: r.json.refill });
    expect(st.json).toEqual({ status: "Pending" });
    const batch = await call({ key: u.key, action: "refill_status", refills: `${r.json.refill},424242` });
    expect(batch.json).toEqual([
      { refill: Number(r.json.refill), status: "Pending" },
      { refill: 424242, status: { error: "Refill not found" } },
    ]);
    const other = await keyed();
    expect((await call({ key: other.key, action: "refill_status", refill: r.json.refill })).json).toEqual({ error: "Refill not found" });
    expect((await call({ key: other.key, action: "refill", order: placed.order })).json).toEqual({ error: "Incorrect order ID" });
  });

  it("cancel: a pending order of a cancelable service is canceled and refunded; others answer per order", async () => {
    const u = await keyed("10000");
    const { json: placed } = await call({ key: u.key, action: "add", service: cancelable.id, link: "https://x.com/c", quantity: 1000 });
    const { json: noCancel } = await call({ key: u.key, action: "add", service: plain.id, link: "https://x.com/n", quantity: 100 });
    expect(await balanceOf(w, u.user.id)).toBe(money("9400"));
    const r = await call({ key: u.key, action: "cancel", orders: `${placed.order},${noCancel.order},777777` });
    expect(r.status).toBe(200);
    expect(r.json[0]).toEqual({ order: placed.order, cancel: 1 });
    expect(r.json[1]).toMatchObject({ order: noCancel.order, cancel: { error: expect.any(String) } });
    expect(r.json[2]).toEqual({ order: 777777, cancel: { error: "Incorrect order ID" } });
    const st = await call({ key: u.key, action: "status", order: placed.order });
    expect(st.json.status).toBe("Canceled");
    expect(await balanceOf(w, u.user.id)).toBe(money("9900"));
    await expectLedgerHolds(w);
  });

  it("errors are {error} with HTTP 200: bad key, revoked key, unknown action, missing permission", async () => {
    const u = await keyed("100", { permissions: ["services.read"] });
    const expectError = async (fields: Record<string, string | number>, error: string) => {
      const r = await call(fields);
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ error });
    };
    await expectError({ key: `sk_${"b".repeat(39)}`, action: "balance" }, "Invalid API key");
    await expectError({ key: "nonsense", action: "services" }, "Invalid API key");
    await expectError({ action: "services" }, "Invalid API key");
    await expectError({ key: u.key, action: "launch" }, "Incorrect request");
    await expectError({ key: u.key }, "Incorrect request");
    await expectError({ key: u.key, action: "balance" }, "This API key lacks the balance.read permission");
    await expectError(
      { key: u.key, action: "add", service: plain.id, link: "https://x.com/a", quantity: 100 },
      "This API key lacks the orders.create permission",
    );
    await w.p.request(`/api/user/api-keys/${u.keyUuid}`, { method: "DELETE", token: u.token });
    await expectError({ key: u.key, action: "services" }, "Invalid API key");
  });

  it("a banned owner, an address outside the whitelist and the rate limit are refused", async () => {
    const banned = await keyed();
    await w.p.services.db.updateTable("users").set({ is_banned: 1 }).where("id", "=", banned.user.id).execute();
    expect((await call({ key: banned.key, action: "balance" })).json).toEqual({ error: "Your account is suspended" });
    const fenced = await keyed("100", { ip_whitelist: ["192.0.2.0/24"] });
    expect((await call({ key: fenced.key, action: "balance" }, { ip: "192.0.2.10" })).json).toEqual({ balance: "100.00", currency: "XOF" });
    expect((await call({ key: fenced.key, action: "balance" }, { ip: "198.51.100.1" })).json).toEqual({
      error: "This IP address is not allowed for this API key",
    });
    const slow = await keyed("100", { rate_limit_per_minute: 2 });
    await call({ key: slow.key, action: "balance" });
    await call({ key: slow.key, action: "balance" });
    const limited = await call({ key: slow.key, action: "balance" });
    expect(limited.status).toBe(429);
    expect(Object.keys(limited.json)).toEqual(["error"]);
  });

  it("one rate limit per key covers /api/v1 and /api/v2 together", async () => {
    const u = await keyed("100", { rate_limit_per_minute: 2 });
    expect((await w.p.request("/api/v1/balance", { headers: { "x-api-key": u.key } })).status).toBe(200);
    expect((await call({ key: u.key, action: "balance" })).status).toBe(200);
    expect((await w.p.request("/api/v1/balance", { headers: { "x-api-key": u.key } })).status).toBe(429);
    expect((await call({ key: u.key, action: "balance" })).status).toBe(429);
  });

  it("reads JSON bodies and query strings as well as forms", async () => {
    const u = await keyed("42");
    const json = await w.p.request("/api/v2", { method: "POST", json: { key: u.key, action: "balance" } });
    expect(await json.json()).toEqual({ balance: "42.00", currency: "XOF" });
    const query = await w.p.request(`/api/v2?key=${u.key}&action=balance`);
    expect(await query.json()).toEqual({ balance: "42.00", currency: "XOF" });
    const multipart = new FormData();
    multipart.set("key", u.key);
    multipart.set("action", "balance");
    const mp = await w.p.request("/api/v2/", { method: "POST", body: multipart });
    expect(await mp.json()).toEqual({ balance: "42.00", currency: "XOF" });
    const broken = await w.p.request("/api/v2", { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(broken.status).toBe(200);
    expect(await broken.json()).toEqual({ error: "Incorrect request" });
  });

  it("writes an api_logs row per call, recording the action and what v1 would have answered", async () => {
    const u = await keyed("100", { permissions: ["balance.read"] });
    await call({ key: u.key, action: "balance" });
    await call({ key: u.key, action: "services" });
    await call({ key: u.key, action: "dance" });
    const logs = await apiLogsOf(w.p, u.keyUuid);
    expect(logs.map((l) => [l.method, l.path, l.status])).toEqual([
      ["POST", "/api/v2?action=balance", 200],
      ["POST", "/api/v2?action=services", 403],
      ["POST", "/api/v2?action=unknown", 400],
    ]);
  });
});
