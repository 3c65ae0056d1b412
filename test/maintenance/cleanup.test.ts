import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { manualClock } from "../harness/clock.ts";
import { offlineService } from "../harness/rows.ts";
import { DAY, HOUR, dbNow } from "../../src/lib/time.ts";
import { JOBS } from "../../src/app/jobs.ts";
import { runJobOnce } from "../../src/jobs/scheduler.ts";

describeEachDialect("daily maintenance clean-up", (dialect) => {
  let p: TestPlatform;
  const clock = manualClock(new Date("2026-11-24T03:00:00Z"));
  beforeAll(async () => {
    p = await makePlatform(dialect, {}, { clock });
  });
  afterAll(() => p.close());

  it("is a registered daily job and deletes only expired sessions and keys and logs past 90 days", async () => {
    const job = JOBS.find((j) => j.name === "maintenance:cleanup");
    expect(job).toBeDefined();
    const db = p.services.db;
    const fresh = await signUp(p);
    const stale = await signUp(p);
    await db
      .updateTable("sessions")
      .set({ expires_at: dbNow(clock, -1000) })
      .where("user_id", "=", stale.user.id)
      .execute();
    await db
      .insertInto("idempotency_keys")
      .values([
        { scope: "u:1", key: "old", request_hash: "x", status: "done", created_at: dbNow(clock, -2 * DAY), expires_at: dbNow(clock, -DAY) },
        { scope: "u:1", key: "new", request_hash: "x", status: "done", created_at: dbNow(clock), expires_at: dbNow(clock, DAY) },
      ])
      .execute();
    const logAt = (days: number) => dbNow(clock, -days * DAY);
    const key = await p.request("/api/user/api-keys", { method: "POST", token: fresh.token, json: { name: "logs", permissions: ["balance.read"] } });
    expect(key.status).toBe(201);
    const keyId = (await db.selectFrom("api_keys").select("id").where("user_id", "=", fresh.user.id).executeTakeFirstOrThrow()).id;
    await db
      .insertInto("api_logs")
      .values([
        { api_key_id: keyId, method: "GET", path: "/old", status: 200, created_at: logAt(91) },
        { api_key_id: keyId, method: "GET", path: "/recent", status: 200, created_at: logAt(89) },
      ])
      .execute();
    const { providerId } = await offlineService(p);
    await db
      .insertInto("provider_logs")
      .values([
        { provider_id: providerId, action: "status", request: "{}", created_at: logAt(120) },
        { provider_id: providerId, action: "status", request: "{}", created_at: logAt(10) },
      ])
      .execute();

    const r = await runJobOnce(p.services, job!);
    expect(r?.result).toMatchObject({ sessions: 1, idempotencyKeys: 1, apiLogs: 1, providerLogs: 1 });
    expect((await p.request("/api/me", { token: fresh.token })).status).toBe(200);
    expect((await db.selectFrom("idempotency_keys").select("key").execute()).map((k) => k.key)).toEqual(["new"]);
    expect((await db.selectFrom("api_logs").select("path").execute()).map((k) => k.path)).toEqual(["/recent"]);
    expect(await db.selectFrom("provider_logs").select("id").execute()).toHaveLength(1);
  });

  it("deletes password-reset links nobody followed in time, and keeps those still valid", async () => {
    const job = JOBS.find((j) => j.name === "maintenance:cleanup")!;
    const { user } = await signUp(p);
    const token = (id: string, expiresIn: number) => ({
      id,
      user_id: user.id,
      site_id: 0,
      expires_at: dbNow(clock, expiresIn),
      created_at: dbNow(clock, -HOUR),
    });
    await p.services.db
      .insertInto("password_reset_tokens")
      .values([token(`expired-${user.id}`, -1000), token(`valid-${user.id}`, HOUR)])
      .execute();
    const r = await runJobOnce(p.services, job);
    expect(r?.result).toMatchObject({ resetTokens: 1 });
    const left = await p.services.db.selectFrom("password_reset_tokens").select("id").where("user_id", "=", user.id).execute();
    expect(left.map((t) => t.id)).toEqual([`valid-${user.id}`]);
  });
});
