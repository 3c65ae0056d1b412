import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimProvider, type SimProvider } from "../../src/provider-sim/server.ts";
import { body, describeEachDialect, makePlatform, redisAnswers, redisForDialect, type TestPlatform } from "../harness/platform.ts";

const CLI = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/3";
const available = await redisAnswers(REDIS_URL);

// A job run from the CLI is one more instance for a moment: what it changes reaches the running ones at once, not when their caches expire.
describeEachDialect("a CLI job and the running instances", (dialect) => {
  const REDIS = redisForDialect(REDIS_URL, dialect);
  describe.skipIf(!available)(available ? "with Redis" : `skipped: no Redis at ${REDIS_URL}`, () => {
    let p: TestPlatform;
    let sim: SimProvider;
    beforeAll(async () => {
      sim = await startSimProvider({ apiKey: "cli-bus-key" });
      // Long enough that only the announcement, not the periodic counter check, can be what is heard.
      p = await makePlatform(dialect, { REDIS_URL: REDIS }, { cacheCheckMs: 60_000 });
    });
    afterAll(async () => {
      await p?.close();
      await sim?.close();
    });

    it("smm:sync-services from the CLI makes the running instance drop its cached catalogue", async () => {
      const before = await p.request("/api/services?per_page=1");
      expect(before.status).toBe(200);
      expect((await body(before)).meta?.total ?? 0).toBe(0);

      let heard = 0;
      p.services.events.onCatalogChanged(() => heard++);
      const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
        const env = {
          ...process.env,
          NODE_ENV: "test",
          DATABASE_URL: p.services.config.DATABASE_URL,
          REDIS_URL: REDIS,
          SMM_API_URL: sim.url,
          SMM_API_KEY: "cli-bus-key",
          PROVIDER_ALLOW_PRIVATE_URLS: "true",
          APP_URL: "http://izyboost.test",
          LOG_LEVEL: "silent",
        };
        execFile(process.execPath, [CLI, "smm:sync-services"], { env }, (err, _stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }),
        );
      });
      expect(run.code, run.stderr).toBe(0);
      await expect.poll(() => heard, { timeout: 5_000 }).toBeGreaterThan(0);
      const after = await body(await p.request("/api/services?per_page=1"));
      expect(after.meta.total).toBeGreaterThan(100);
    });
  });
});
