import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { manualClock } from "../harness/clock.ts";
import { hashApiKey } from "../../src/developer-api/keys.ts";
import { dbNow, HOUR } from "../../src/lib/time.ts";
import { ALL_PERMISSIONS, apiLogsOf, createKeyVia, userWithKey, v1 } from "./helpers.ts";

describeEachDialect("API keys", (dialect) => {
  let p: TestPlatform;
  const clock = manualClock(new Date("2026-03-10T09:00:00Z"));
  beforeAll(async () => {
    p = await makePlatform(dialect, {}, { clock });
  });
  afterAll(() => p.close());

  it("shows a new key once, stores only its SHA-256 and a short prefix", async () => {
    const u = await signUp(p);
    const made = await createKeyVia(p, u.token, {
      name: "  Reseller bot ",
      permissions: ["services.read", "balance.read", "balance.read"],
      rate_limit_per_minute: 120,
      ip_whitelist: ["203.0.113.7", "10.0.0.0/8"],
    });
    expect(made.status).toBe(201);
    const k = made.json.data;
    expect(k.key).toMatch(/^sk_[a-z2-7]{39}$/);
    expect(k).toMatchObject({
      name: "Reseller bot",
      prefix: k.key.slice(0, 10),
      permissions: ["services.read", "balance.read"],
      rate_limit_per_minute: 120,
      ip_whitelist: ["203.0.113.7", "10.0.0.0/8"],
      revoked: false,
      active: true,
      expires_at: null,
    });
    expect(k.id).toMatch(/^[0-9a-f-]{36}$/);

    const row = await p.services.db.selectFrom("api_keys").selectAll().where("uuid", "=", k.id).executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(hashApiKey(k.key));
    expect(JSON.stringify(row)).not.toContain(k.key);

    for (const path of ["/api/user/api-keys", `/api/user/api-keys/${k.id}`]) {
      const text = await (await p.request(path, { token: u.token })).text();
      expect(text).toContain(k.prefix);
      expect(text).not.toContain(k.key);
      expect(text).not.toContain(row.key_hash);
      expect(text).not.toContain("key_hash");
    }
    const list = await body(await p.request("/api/user/api-keys", { token: u.token }));
    expect(list.meta).toMatchObject({ page: 1, total: 1 });
    expect(list.data[0]).not.toHaveProperty("key");
  });

  it("refuses bad input with per-field details and creates nothing", async () => {
    const u = await signUp(p);
    const cases: [Record<string, unknown>, string][] = [
      [{ permissions: ["services.read"] }, "name"],
      [{ name: "x", permissions: [] }, "permissions"],
      [{ name: "x", permissions: ["orders.delete"] }, "permissions.0"],
      [{ name: "x", permissions: ["balance.read"], rate_limit_per_minute: 0 }, "rate_limit_per_minute"],
      [{ name: "x", permissions: ["balance.read"], rate_limit_per_minute: 601 }, "rate_limit_per_minute"],
      [{ name: "x", permissions: ["balance.read"], ip_whitelist: ["10.0.0.300"] }, "ip_whitelist"],
      [{ name: "x", permissions: ["balance.read"], ip_whitelist: ["10.0.0.0/33"] }, "ip_whitelist"],
      [{ name: "x", permissions: ["balance.read"], expires_at: "2020-01-01T00:00:00Z" }, "expires_at"],
      [{ name: "x", permissions: ["balance.read"], expires_at: "next tuesday" }, "expires_at"],
    ];
    for (const [json, field] of cases) {
      const res = await createKeyVia(p, u.token, json);
      expect(res.status, JSON.stringify(json)).toBe(422);
      expect(Object.keys(res.json.error.details)).toContain(field);
    }
    expect(await p.services.db.selectFrom("api_keys").select("id").where("user_id", "=", u.user.id).execute()).toEqual([]);
  });

  it("another user's key is not found: show, revoke and logs answer 404", async () => {
    const owner = await userWithKey(p);
    const other = await signUp(p);
    for (const [method, path] of [
      ["GET", ""],
      ["DELETE", ""],
      ["GET", "/logs"],
    ] as const) {
      const res = await p.request(`/api/user/api-keys/${owner.keyId}${path}`, { method, token: other.token });
      expect(res.status).toBe(404);
    }
    expect((await p.request("/api/user/api-keys/not-a-uuid", { token: owner.token })).status).toBe(404);
    expect((await v1(p, "/balance", owner.key)).status).toBe(200);
  });

  it("a revoked key stops working at once, and the list shows it revoked", async () => {
    const u = await userWithKey(p);
    expect((await v1(p, "/balance", u.key)).status).toBe(200);
    const del = await p.request(`/api/user/api-keys/${u.keyId}`, { method: "DELETE", token: u.token });
    expect(del.status).toBe(200);
    const revoked = (await body(del)).data;
    expect(revoked).toMatchObject({ revoked: true, active: false });
    const res = await v1(p, "/balance", u.key);
    expect(res.status).toBe(401);
    expect((await body(res)).error.code).toBe("invalid_api_key");
    const again = await body(await p.request(`/api/user/api-keys/${u.keyId}`, { method: "DELETE", token: u.token }));
    expect(again.data.revoked_at).toBe(revoked.revoked_at);
  });

  it("an expired key answers 401", async () => {
    const expires = new Date(clock.now().getTime() + HOUR).toISOString();
    const u = await userWithKey(p, { expires_at: expires });
    expect((await v1(p, "/balance", u.key)).status).toBe(200);
    clock.advance(2 * HOUR);
    const res = await v1(p, "/balance", u.key);
    expect(res.status).toBe(401);
    const shown = await body(await p.request(`/api/user/api-keys/${u.keyId}`, { token: u.token }));
    expect(shown.data).toMatchObject({ expired: true, active: false, expires_at: expires });
  });

  it("a banned owner's key answers 403", async () => {
    const u = await userWithKey(p);
    await p.services.db.updateTable("users").set({ is_banned: 1 }).where("id", "=", u.user.id).execute();
    const res = await v1(p, "/balance", u.key);
    expect(res.status).toBe(403);
    expect((await body(res)).error.code).toBe("account_banned");
  });

  it("a key with an IP whitelist answers 403 from any other address", async () => {
    const u = await userWithKey(p, { ip_whitelist: ["198.51.100.0/24", "2001:db8::1"] });
    expect((await v1(p, "/balance", u.key, { ip: "198.51.100.42" })).status).toBe(200);
    expect((await v1(p, "/balance", u.key, { ip: "2001:db8::1" })).status).toBe(200);
    const outside = await v1(p, "/balance", u.key, { ip: "203.0.113.9" });
    expect(outside.status).toBe(403);
    expect((await body(outside)).error.code).toBe("ip_not_allowed");
    const shown = await body(await p.request(`/api/user/api-keys/${u.keyId}`, { token: u.token }));
    expect(shown.data.last_used_ip).toBe("2001:db8::1");
  });

  it("records a key's last use to the minute from one address, and at once from a new one", async () => {
    const u = await userWithKey(p);
    const lastUse = () =>
      p.services.db.selectFrom("api_keys").select(["last_used_at", "last_used_ip"]).where("key_hash", "=", hashApiKey(u.key)).executeTakeFirstOrThrow();
    const call = async (ip: string) => expect((await v1(p, "/balance", u.key, { ip })).status).toBe(200);
    await call("198.51.100.7");
    const first = await lastUse();
    expect(first).toEqual({ last_used_at: dbNow(clock), last_used_ip: "198.51.100.7" });
    // 30 s later from the same address: the row is not rewritten.
    clock.advance(30_000);
    await call("198.51.100.7");
    expect(await lastUse()).toEqual(first);
    // A minute and more after the recorded use: recorded again.
    clock.advance(31_000);
    await call("198.51.100.7");
    expect((await lastUse()).last_used_at).toBe(dbNow(clock));
    // From another address: at once.
    clock.advance(1_000);
    await call("198.51.100.8");
    expect(await lastUse()).toEqual({ last_used_at: dbNow(clock), last_used_ip: "198.51.100.8" });
  });

  it("enforces each key's own rate limit: 429 after N calls a minute, other keys unaffected", async () => {
    const limited = await userWithKey(p, { rate_limit_per_minute: 3 });
    const other = await userWithKey(p, { rate_limit_per_minute: 3 });
    for (let i = 0; i < 3; i++) expect((await v1(p, "/balance", limited.key)).status).toBe(200);
    const res = await v1(p, "/balance", limited.key);
    expect(res.status).toBe(429);
    expect((await body(res)).error.code).toBe("rate_limited");
    expect((await v1(p, "/balance", other.key)).status).toBe(200);
  });

  it("a key without the permission gets a 403 envelope", async () => {
    const u = await userWithKey(p, { permissions: ["services.read"] });
    const res = await v1(p, "/balance", u.key);
    expect(res.status).toBe(403);
    expect((await body(res)).error).toMatchObject({ code: "missing_permission" });
    expect((await v1(p, "/orders", u.key)).status).toBe(403);
    expect((await v1(p, "/orders", u.key, { method: "POST", json: {} })).status).toBe(403);
  });

  it("writes an api_logs row per call, refusals included, and lists them newest first", async () => {
    const u = await userWithKey(p, { permissions: ["balance.read"], rate_limit_per_minute: 2, ip_whitelist: ["192.0.2.1"] });
    await v1(p, "/balance", u.key, { ip: "192.0.2.1" });
    await v1(p, "/services", u.key, { ip: "192.0.2.1" });
    await v1(p, "/balance", u.key, { ip: "192.0.2.1" });
    await v1(p, "/balance", u.key, { ip: "192.0.2.99" });
    const logs = await apiLogsOf(p, u.keyId);
    expect(logs.map((l) => [l.method, l.path, l.status, l.ip])).toEqual([
      ["GET", "/api/v1/balance", 200, "192.0.2.1"],
      ["GET", "/api/v1/services", 403, "192.0.2.1"],
      ["GET", "/api/v1/balance", 429, "192.0.2.1"],
      ["GET", "/api/v1/balance", 403, "192.0.2.99"],
    ]);
    const page = await body(await p.request(`/api/user/api-keys/${u.keyId}/logs?per_page=3`, { token: u.token }));
    expect(page.meta).toEqual({ page: 1, per_page: 3, total: 4 });
    expect(page.data[0]).toMatchObject({ path: "/api/v1/balance", status: 403, ip: "192.0.2.99" });
    expect(Object.keys(page.data[0]).sort()).toEqual(["created_at", "duration_ms", "id", "ip", "method", "path", "status"]);
  });

  it("an unknown or malformed key answers 401 and logs nothing", async () => {
    const before = await p.services.db
      .selectFrom("api_logs")
      .select((e) => e.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect((await v1(p, "/balance", `sk_${"a".repeat(39)}`)).status).toBe(401);
    expect((await p.request("/api/v1/balance")).status).toBe(401);
    const after = await p.services.db
      .selectFrom("api_logs")
      .select((e) => e.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("a session is not an API key: /api/v1 ignores Bearer tokens", async () => {
    const u = await signUp(p);
    expect((await p.request("/api/v1/balance", { token: u.token })).status).toBe(401);
  });

  it("caps the number of active keys a user holds", async () => {
    const u = await signUp(p);
    for (let i = 0; i < 25; i++) expect((await createKeyVia(p, u.token, { name: `k${i}`, permissions: ALL_PERMISSIONS })).status).toBe(201);
    const res = await createKeyVia(p, u.token, { name: "one too many", permissions: ALL_PERMISSIONS });
    expect(res.status).toBe(409);
    const all = await body(await p.request("/api/user/api-keys?per_page=100", { token: u.token }));
    await p.request(`/api/user/api-keys/${all.data[0].id}`, { method: "DELETE", token: u.token });
    expect((await createKeyVia(p, u.token, { name: "after revoking one", permissions: ALL_PERMISSIONS })).status).toBe(201);
  });
});
