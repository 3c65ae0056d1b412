import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { manualClock } from "../harness/clock.ts";
import { DAY } from "../../src/lib/time.ts";

describeEachDialect("register, login, logout, me", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  it("a new user registers, sees their account, and logs out", async () => {
    const username = uniqueName();
    const reg = await p.request("/api/register", { method: "POST", json: { username, email: `${username}@Example.com`, password: "s3cret-pass" } });
    expect(reg.status).toBe(201);
    const r = await body(reg);
    expect(r.data.user).toMatchObject({ username, email: `${username}@example.com`, role: "user", balance: "0.00", currency: "XOF" });
    expect(r.data.user.password_hash).toBeUndefined();
    const me = await p.request("/api/me", { token: r.data.token });
    expect(me.status).toBe(200);
    expect((await body(me)).data.username).toBe(username);
    expect((await p.request("/api/logout", { method: "POST", token: r.data.token })).status).toBe(200);
    expect((await p.request("/api/me", { token: r.data.token })).status).toBe(401);
  });

  it("stores only a hash of the session token and an argon2id password hash", async () => {
    const u = await signUp(p);
    const row = await p.services.db.selectFrom("users").select("password_hash").where("id", "=", u.user.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$/);
    const sessions = await p.services.db.selectFrom("sessions").select("id").where("user_id", "=", u.user.id).execute();
    expect(sessions.length).toBe(1);
    expect(sessions[0]!.id).toMatch(/^[0-9a-f]{64}$/);
    expect(sessions[0]!.id).not.toContain(u.token);
  });

  it("logs in with the e-mail or the username, records time and IP", async () => {
    const u = await signUp(p);
    const byEmail = await p.request("/api/login", { method: "POST", ip: "198.51.100.7", json: { login: u.user.email.toUpperCase(), password: u.password } });
    expect(byEmail.status).toBe(200);
    const data = (await body(byEmail)).data;
    expect(data.user.last_login_ip).toBe("198.51.100.7");
    expect(data.user.last_login_at).toMatch(/Z$/);
    const byName = await p.request("/api/login", { method: "POST", json: { login: u.user.username, password: u.password } });
    expect(byName.status).toBe(200);
  });

  it("refuses a wrong password or unknown login with the same 401", async () => {
    const u = await signUp(p);
    const wrong = await p.request("/api/login", { method: "POST", json: { login: u.user.email, password: "nope-nope" } });
    const unknown = await p.request("/api/login", { method: "POST", json: { login: "ghost@example.com", password: "nope-nope" } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect((await body(wrong)).error.code).toBe("invalid_credentials");
    expect((await body(unknown)).error.code).toBe("invalid_credentials");
  });

  it("duplicate e-mail or username is a 422 with the field named", async () => {
    const u = await signUp(p);
    const dupEmail = await p.request("/api/register", { method: "POST", json: { username: uniqueName(), email: u.user.email, password: "long-enough-1" } });
    expect(dupEmail.status).toBe(422);
    expect((await body(dupEmail)).error.details.email).toBeDefined();
    const dupName = await p.request("/api/register", {
      method: "POST",
      json: { username: u.user.username.toUpperCase(), email: `${uniqueName()}@example.com`, password: "long-enough-1" },
    });
    expect(dupName.status).toBe(422);
    expect((await body(dupName)).error.details.username).toBeDefined();
  });

  it("bad input gets a 4xx envelope, never a 500, and creates nothing", async () => {
    const before = await p.services.db
      .selectFrom("users")
      .select((e) => e.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const cases: [RequestInit & { json?: unknown }, number][] = [
      [{ body: "{not json", headers: { "content-type": "application/json" } }, 400],
      [{ json: [1, 2] }, 422],
      [{ json: "a string" }, 422],
      [{ json: { username: 42, email: ["x"], password: { a: 1 } } }, 422],
      [{ json: { username: "ok_name", email: "not-an-email", password: "short" } }, 422],
      [{ json: { username: "a".repeat(5000), email: "x@example.com", password: "longenough" } }, 422],
      [{ body: JSON.stringify({ username: "x".repeat(2 * 1024 * 1024) }), headers: { "content-type": "application/json" } }, 413],
    ];
    for (const [init, status] of cases) {
      const res = await p.request("/api/register", { method: "POST", ...init });
      expect(res.status, JSON.stringify(init).slice(0, 80)).toBe(status);
      const b = await body(res);
      expect(b.error.code).toBeTypeOf("string");
      expect(b.error.message).toBeTypeOf("string");
      if (status === 422) expect(Object.keys(b.error.details).length).toBeGreaterThan(0);
    }
    const wrongTypes = await body(await p.request("/api/register", { method: "POST", json: { username: 42, email: "x@example.com", password: "longenough" } }));
    expect(wrongTypes.error.details.username).toBeDefined();
    const after = await p.services.db
      .selectFrom("users")
      .select((e) => e.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("a banned user cannot log in and their sessions stop working", async () => {
    const u = await signUp(p);
    await p.services.db.updateTable("users").set({ is_banned: 1 }).where("id", "=", u.user.id).execute();
    expect((await p.request("/api/me", { token: u.token })).status).toBe(401);
    const login = await p.request("/api/login", { method: "POST", json: { login: u.user.email, password: u.password } });
    expect(login.status).toBe(403);
    expect((await body(login)).error.code).toBe("account_banned");
  });

  it("registers with a referral code and links three levels of referrers", async () => {
    const a = await signUp(p);
    const b = await signUp(p, { referral_code: a.user.referral_code });
    const c = await signUp(p, { referral_code: b.user.referral_code.toLowerCase() });
    const d = await signUp(p, { referral_code: c.user.referral_code });
    const e = await signUp(p, { referral_code: d.user.referral_code });
    const rels = await p.services.db
      .selectFrom("referral_relationships")
      .select(["referrer_id", "level"])
      .where("user_id", "=", e.user.id)
      .orderBy("level")
      .execute();
    expect(rels).toEqual([
      { referrer_id: d.user.id, level: 1 },
      { referrer_id: c.user.id, level: 2 },
      { referrer_id: b.user.id, level: 3 },
    ]);
    const bad = await p.request("/api/register", {
      method: "POST",
      json: { username: uniqueName(), email: `${uniqueName()}@example.com`, password: "long-enough-1", referral_code: "NOPE0000" },
    });
    expect(bad.status).toBe(422);
    expect((await body(bad)).error.details.referral_code).toBeDefined();
  });
});

describeEachDialect("sessions expire and slide", (dialect) => {
  const clock = manualClock();
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect, { SESSION_DAYS: "30" }, { clock });
  });
  afterAll(() => p.close());

  it("a session used in its second half is extended; an idle one expires", async () => {
    const u = await signUp(p);
    clock.advance(20 * DAY);
    expect((await p.request("/api/me", { token: u.token })).status).toBe(200);
    clock.advance(25 * DAY);
    expect((await p.request("/api/me", { token: u.token })).status).toBe(200);
    clock.advance(31 * DAY);
    expect((await p.request("/api/me", { token: u.token })).status).toBe(401);
    const left = await p.services.db.selectFrom("sessions").select("id").where("user_id", "=", u.user.id).execute();
    expect(left).toEqual([]);
  });

  it("a token of the wrong shape or unknown is a 401", async () => {
    expect((await p.request("/api/me", { token: "x" })).status).toBe(401);
    expect((await p.request("/api/me", { token: "a".repeat(32) })).status).toBe(401);
  });
});

describeEachDialect("login rate limit", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect, { LOGIN_RATE_LIMIT_PER_MINUTE: "3" });
  });
  afterAll(() => p.close());

  it("the fourth login attempt in a minute from one address gets a 429 envelope", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await p.request("/api/login", { method: "POST", ip: "203.0.113.50", json: { login: "who@example.com", password: "whatever" } })).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const limited = await p.request("/api/login", { method: "POST", ip: "203.0.113.50", json: { login: "who@example.com", password: "whatever" } });
    expect((await body(limited)).error.code).toBe("rate_limited");
    const other = await p.request("/api/login", { method: "POST", ip: "203.0.113.51", json: { login: "who@example.com", password: "whatever" } });
    expect(other.status).toBe(401);
  });
});
