import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, makePlatform, type TestPlatform } from "../harness/platform.ts";
import { startBackground } from "../../src/app/background.ts";
import type { JobDef } from "../../src/jobs/scheduler.ts";
import { productionPlatformEnv } from "./env.ts";

describeEachDialect("stopping the background work", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect, productionPlatformEnv({ SCHEDULER: "on" }));
  });
  afterAll(async () => {
    await p.close();
  });

  it("waits for a scheduled job in flight to finish, and starts no other run", async () => {
    const runs: { started: number; finished?: number }[] = [];
    const slow: JobDef = {
      name: "test:slow",
      description: "a job that takes a while",
      schedule: "* * * * * *",
      run: async () => {
        const run: { started: number; finished?: number } = { started: Date.now() };
        runs.push(run);
        await new Promise((r) => setTimeout(r, 1200));
        run.finished = Date.now();
      },
    };
    const background = await startBackground.prepare(p.services.config, [slow]);
    await background.afterBoot(p);
    for (let i = 0; i < 40 && runs.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(runs).toHaveLength(1);
    await background.stop();
    // Stopped only once the run had finished.
    expect(runs[0]!.finished).toBeDefined();
    await new Promise((r) => setTimeout(r, 1500));
    expect(runs).toHaveLength(1);
  });
});
