import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, redisAnswers, redisForDialect, type TestPlatform } from "../harness/platform.ts";

// Its own Redis database, so a suite running beside it (another worker) never shares its keys.
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/4";

const available = await redisAnswers(REDIS_URL);

// Several instances behind a load balancer must share their counters: with REDIS_URL they do.
describeEachDialect("rate limits shared through Redis", (dialect) => {
  const REDIS = redisForDialect(REDIS_URL, dialect);
  describe.skipIf(!available)(available ? "two instances" : `skipped: no Redis at ${REDIS_URL} (start one, or set TEST_REDIS_URL)`, () => {
    let a: TestPlatform;
    let b: TestPlatform;
    beforeAll(async () => {
      a = await makePlatform(dialect, { REDIS_URL: REDIS, LOGIN_RATE_LIMIT_PER_MINUTE: "3", API_KEY_FAILURES_PER_ADDRESS: "3" });
      b = await makePlatform(dialect, { REDIS_URL: REDIS, LOGIN_RATE_LIMIT_PER_MINUTE: "3", API_KEY_FAILURES_PER_ADDRESS: "3" });
    });
    afterAll(async () => {
      await a.close();
      await b.close();
    });

    it("login attempts on two instances count against one limit", async () => {
      // A fresh address per run: counters live in the shared Redis for a minute.
      const ip = `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
      // A fresh account too: failed logins per account are also counted in the shared Redis.
      const login = `nobody-${randomBytes(6).toString("hex")}@example.com`;
      const attempt = (p: TestPlatform) => p.request("/api/login", { method: "POST", ip, json: { login, password: "wrong-password" } });
      const statuses = [(await attempt(a)).status, (await attempt(b)).status, (await attempt(a)).status];
      expect(statuses).toEqual([401, 401, 401]);
      const fourth = await attempt(b);
      expect(fourth.status).toBe(429);
      expect((await body(fourth)).error.code).toBe("rate_limited");
    });

    it("bad API keys sent to two instances count against one limit per address", async () => {
      const ip = `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
      const attempt = (p: TestPlatform) => p.request("/api/v1/balance", { ip, headers: { "x-api-key": "not-a-key" } });
      expect([(await attempt(a)).status, (await attempt(b)).status, (await attempt(a)).status]).toEqual([401, 401, 401]);
      expect((await attempt(b)).status).toBe(429);
    });
  });
});
