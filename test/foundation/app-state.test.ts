import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, signUpAdmin, type TestPlatform } from "../harness/platform.ts";
import { insertService } from "../white-label/helpers.ts";

// Test files share a worker (isolate: false): every cache, batch and cost lives on its app, none in a module.
describeEachDialect("two apps in one process", (dialect) => {
  let a: TestPlatform;
  let b: TestPlatform;
  beforeAll(async () => {
    a = await makePlatform(dialect);
    b = await makePlatform(dialect, {}, { passwordCost: { memory: 2048, passes: 1, parallelism: 1 } });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it("an admin closing sign-ups on one app leaves the other app's settings as they are", async () => {
    const admin = await signUpAdmin(a);
    expect(
      (await b.request("/api/register", { method: "POST", json: { username: "early", email: "early@example.com", password: "correct-horse-9" } })).status,
    ).toBe(201);
    const closed = await a.request("/api/admin/settings/registration_open", { method: "PUT", token: admin.token, json: { value: "0" } });
    expect(closed.status).toBe(200);
    const refused = await a.request("/api/register", { method: "POST", json: { username: "late", email: "late@example.com", password: "correct-horse-9" } });
    expect(refused.status).toBe(403);
    expect((await body(refused)).error.code).toBe("registration_closed");
    expect(
      (await b.request("/api/register", { method: "POST", json: { username: "late", email: "late@example.com", password: "correct-horse-9" } })).status,
    ).toBe(201);
    await a.request("/api/admin/settings/registration_open", { method: "PUT", token: admin.token, json: { value: "1" } });
  });

  it("an anonymous visitor of each app sees that app's own catalogue", async () => {
    await insertService(a, { rate: "1000", name: "Followers only on A" });
    await insertService(b, { rate: "1000", name: "Followers only on B" });
    const names = async (p: TestPlatform) => ((await body(await p.request("/api/services?per_page=100"))).data as { name: string }[]).map((s) => s.name);
    expect(await names(a)).toContain("Followers only on A");
    const onB = await names(b);
    expect(onB).toContain("Followers only on B");
    expect(onB).not.toContain("Followers only on A");
  });

  it("hashes passwords at the cost its builder gave it, and signs them in", async () => {
    const onA = await signUp(a);
    const onB = await signUp(b);
    const hashOf = async (p: TestPlatform, id: number) =>
      (await p.services.db.selectFrom("users").select("password_hash").where("id", "=", id).executeTakeFirstOrThrow()).password_hash;
    expect(await hashOf(a, onA.user.id)).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(await hashOf(b, onB.user.id)).toMatch(/^\$argon2id\$v=19\$m=2048,t=1,p=1\$/);
    expect((await b.request("/api/login", { method: "POST", json: { login: onB.user.username, password: onB.password } })).status).toBe(200);
    expect((await b.request("/api/login", { method: "POST", json: { login: "nobody-here", password: onB.password } })).status).toBe(401);
  });
});
