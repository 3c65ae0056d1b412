import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, signUp } from "../harness/platform.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { dbNow } from "../../src/lib/time.ts";
import { addService, balanceOf, closeWorld, expectLedgerHolds, fundedUser, money, orderWorld, type World } from "../orders/support.ts";
import { ALL_PERMISSIONS, createKeyVia, v1 } from "./helpers.ts";

describeEachDialect("developer API v1", (dialect) => {
  let w: World;
  let service: { id: number };
  beforeAll(async () => {
    w = await orderWorld(dialect);
    service = await addService(w, { rate: "1000", min: 10, max: 10_000 });
  });
  afterAll(() => closeWorld(w));

  async function keyed(funds = "100000", permissions = ALL_PERMISSIONS) {
    const u = await fundedUser(w, funds);
    const made = await createKeyVia(w.p, u.token, { name: "bot", permissions });
    return { ...u, key: made.json.data.key as string, keyUuid: made.json.data.id as string };
  }

  async function post(key: string, json: Record<string, unknown>, headers: Record<string, string> = {}) {
    const res = await v1(w.p, "/orders", key, { method: "POST", json, headers });
    const b = await body(res);
    await settleDispatchKicks(w.p.services);
    return { status: res.status, body: b, headers: res.headers };
  }

  it("lists services at the key owner's own prices", async () => {
    const plain = await keyed();
    const vip = await keyed();
    const now = dbNow(w.clock);
    await w.p.services.db
      .insertInto("service_prices_override")
      .values({ user_id: vip.user.id, service_id: service.id, rate: money("750"), created_at: now, updated_at: now })
      .execute();
    const find = async (key: string) => (await body(await v1(w.p, "/services?per_page=500", key))).data.find((s: { id: number }) => s.id === service.id);
    expect((await find(plain.key)).rate).toBe("1000.00");
    expect((await find(vip.key)).rate).toBe("750.00");
    const page = await body(await v1(w.p, "/services?per_page=500", plain.key));
    expect(page.meta).toMatchObject({ page: 1, currency: "XOF" });
  });

  it("places an order charged once at the server's price, marked as an API order of that key", async () => {
    const u = await keyed("5000");
    const res = await post(u.key, { service_id: service.id, link: "https://instagram.com/p/abc", quantity: 1500, rate: "0.01", charge: "1" });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ quantity: 1500, charge: "1500.00", rate: "1000.00", status: "pending", source: "api" });
    expect(await balanceOf(w, u.user.id)).toBe(money("3500"));
    const row = await w.p.services.db.selectFrom("orders").selectAll().where("uuid", "=", res.body.data.uuid).executeTakeFirstOrThrow();
    const key = await w.p.services.db.selectFrom("api_keys").select("id").where("uuid", "=", u.keyUuid).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ source: "api", api_key_id: key.id, user_id: u.user.id, site_id: 0 });
    await expectLedgerHolds(w);
  });

  it("replays a retried Idempotency-Key without charging again; a different body with it is refused", async () => {
    const u = await keyed("10000");
    const json = { service_id: service.id, link: "https://instagram.com/p/idem", quantity: 1000 };
    const first = await post(u.key, json, { "idempotency-key": "order-42" });
    const retry = await post(u.key, json, { "idempotency-key": "order-42" });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body.data.uuid).toBe(first.body.data.uuid);
    expect(await balanceOf(w, u.user.id)).toBe(money("9000"));
    const changed = await post(u.key, { ...json, quantity: 2000 }, { "idempotency-key": "order-42" });
    expect(changed.status).toBe(422);
    expect(changed.body.error.code).toBe("idempotency_key_reused");
    expect(await balanceOf(w, u.user.id)).toBe(money("9000"));
    const orders = await w.p.services.db.selectFrom("orders").select("id").where("user_id", "=", u.user.id).execute();
    expect(orders).toHaveLength(1);
    await expectLedgerHolds(w);
  });

  it("scopes Idempotency-Keys per API key: the same key text on another key is another request", async () => {
    const u = await keyed("10000");
    const second = await createKeyVia(w.p, u.token, { name: "second", permissions: ["orders.create"] });
    const json = { service_id: service.id, link: "https://instagram.com/p/scope", quantity: 1000 };
    const a = await post(u.key, json, { "idempotency-key": "same" });
    const b = await post(second.json.data.key, json, { "idempotency-key": "same" });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.data.uuid).not.toBe(a.body.data.uuid);
    expect(await balanceOf(w, u.user.id)).toBe(money("8000"));
  });

  it("refuses bad input and a short balance with the web's errors, charging nothing", async () => {
    const u = await keyed("100");
    const bad = await post(u.key, { service_id: service.id, link: "not a link", quantity: 5 });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.details).sort()).toEqual(["link", "quantity"]);
    const unknown = await post(u.key, { service_id: 999999, link: "https://x.com/a", quantity: 100 });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details).toHaveProperty("service_id");
    const poor = await post(u.key, { service_id: service.id, link: "https://x.com/a", quantity: 1000 });
    expect(poor.status).toBe(422);
    expect(poor.body.error.code).toBe("insufficient_balance");
    expect(await balanceOf(w, u.user.id)).toBe(money("100"));
    expect(await w.p.services.db.selectFrom("orders").select("id").where("user_id", "=", u.user.id).execute()).toEqual([]);
    await expectLedgerHolds(w);
  });

  it("lists and shows only the key owner's orders; another user's order is 404", async () => {
    const a = await keyed();
    const b = await keyed();
    const mine = [];
    for (let i = 0; i < 3; i++) mine.push((await post(a.key, { service_id: service.id, link: `https://x.com/a${i}`, quantity: 100 })).body.data.uuid);
    const theirs = (await post(b.key, { service_id: service.id, link: "https://x.com/b", quantity: 100 })).body.data.uuid;
    const page = await body(await v1(w.p, "/orders?per_page=2", a.key));
    expect(page.meta).toEqual({ page: 1, per_page: 2, total: 3 });
    expect(page.data.map((o: { uuid: string }) => o.uuid)).toEqual([mine[2], mine[1]]);
    const shown = await v1(w.p, `/orders/${mine[0]}`, a.key);
    expect(shown.status).toBe(200);
    expect((await body(shown)).data).toMatchObject({ uuid: mine[0], link: "https://x.com/a0" });
    const other = await v1(w.p, `/orders/${theirs}`, a.key);
    expect(other.status).toBe(404);
    expect((await body(other)).error.code).toBe("not_found");
  });

  it("answers the key owner's balance and currency", async () => {
    const u = await keyed("1234.5");
    const res = await v1(w.p, "/balance", u.key);
    expect(await body(res)).toEqual({ data: { balance: "1234.50", currency: "XOF" } });
  });

  it("a key without orders.create cannot order, and nothing is charged", async () => {
    const u = await keyed("5000", ["orders.read"]);
    const res = await post(u.key, { service_id: service.id, link: "https://x.com/a", quantity: 100 });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("missing_permission");
    expect(await balanceOf(w, u.user.id)).toBe(money("5000"));
  });

  it("a session token alone does not reach /api/v1", async () => {
    const u = await signUp(w.p);
    expect((await w.p.request("/api/v1/orders", { token: u.token })).status).toBe(401);
  });
});
