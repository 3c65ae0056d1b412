import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { withJobLock } from "../../src/jobs/locks.ts";
import { runJobOnce, type JobDef } from "../../src/jobs/scheduler.ts";
import { dbNow } from "../../src/lib/time.ts";
import { manualClock } from "../harness/clock.ts";
import { anotherInstance, describeEachDialect, makePlatform, uniqueName, type TestPlatform } from "../harness/platform.ts";

// Two instances over one database: a scheduled job runs on one of them at a time, whatever the SQL database.
describeEachDialect("job locks across instances", (dialect) => {
  let a: TestPlatform;
  let b: TestPlatform;
  const clockB = manualClock(new Date());
  beforeAll(async () => {
    a = await makePlatform(dialect);
    b = await anotherInstance(a, {}, { clock: clockB });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  function countingJob(runs: { n: number }, ms: number, lockTtlMs = 60_000): JobDef {
    return {
      name: uniqueName("test:job-"),
      description: "counts its runs",
      schedule: "* * * * *",
      lockTtlMs,
      async run() {
        runs.n++;
        await sleep(ms);
        return runs.n;
      },
    };
  }

  it("the same job started on two instances at once runs once, and again once it is over", async () => {
    const runs = { n: 0 };
    const job = countingJob(runs, 150);
    clockB.set(new Date());
    const [onA, onB] = await Promise.all([runJobOnce(a.services, job), runJobOnce(b.services, job)]);
    expect([onA, onB].filter((r) => r !== null)).toHaveLength(1);
    expect(runs.n).toBe(1);
    // Released at the end: the next run on either instance goes ahead.
    expect(await runJobOnce(b.services, job)).toEqual({ ran: true, result: 2 });
    expect(await a.services.db.selectFrom("job_locks").selectAll().where("name", "=", job.name).execute()).toEqual([]);
  });

  it("a job longer than its lease keeps it by renewing it: the other instance stays out", async () => {
    const runs = { n: 0 };
    const job = countingJob(runs, 700, 200);
    const onA = runJobOnce(a.services, job);
    await sleep(350);
    // B's clock says the same as A's: the lease it sees was pushed forward by A's renewals.
    clockB.set(new Date());
    expect(await runJobOnce(b.services, job)).toBeNull();
    await sleep(250);
    clockB.set(new Date());
    expect(await runJobOnce(b.services, job)).toBeNull();
    expect(await onA).toEqual({ ran: true, result: 1 });
    expect(runs.n).toBe(1);
  });

  it("a crashed holder's lease expires: the job runs elsewhere after it, not before", async () => {
    const name = uniqueName("test:job-");
    const now = new Date();
    clockB.set(now);
    // What a process that died mid-run leaves: its row, renewed for the last time a moment ago.
    await a.services.db
      .insertInto("job_locks")
      .values({ name, owner: "crashed-instance", locked_until: dbNow({ now: () => now }, 60_000) })
      .execute();
    let ran = 0;
    const job = async () => {
      ran++;
    };
    expect(await withJobLock(b.ctx(), name, 60_000, job)).toBeNull();
    clockB.advance(59_000);
    expect(await withJobLock(b.ctx(), name, 60_000, job)).toBeNull();
    clockB.advance(2_000);
    expect(await withJobLock(b.ctx(), name, 60_000, job)).toEqual({ ran: true, result: undefined });
    expect(ran).toBe(1);
    // The dead holder's row is gone with the run that took it over: its late release could not touch a new holder's.
    expect(await a.services.db.selectFrom("job_locks").selectAll().where("name", "=", name).execute()).toEqual([]);
  });
});
