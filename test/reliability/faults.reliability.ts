import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.ts";
import { bootPlatform, type Platform } from "../../src/app/boot.ts";
import { JOBS } from "../../src/app/jobs.ts";
import { runJobOnce } from "../../src/jobs/scheduler.ts";
import { httpRequest } from "./http.ts";
import { PLATFORM_HOST } from "./fleet.ts";
import { cleanUpEverything, sleep, until } from "./processes.ts";
import { say, summaryTable } from "./report.ts";
import { finish, loadFor, SMOKE, windowMs } from "./scenario.ts";
import { makeWorld, type World } from "./world.ts";

/**
 * `npm run test:reliability`: the platform in production form — two `node src/main.ts` instances over
 * the suite's own MariaDB and Redis, the simulated provider in its own process — under clients placing
 * orders, through six faults one after the other. Each scenario ends with the same checks
 * (scenario.ts `finish`): the ledger invariant, no order charged twice, none lost, none sent twice.
 */
describe(`reliability${SMOKE ? " (smoke)" : ""}`, () => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld({ clients: SMOKE ? 6 : 12 });
    say("setup: starting two instances");
    await Promise.all(w.instances.map((i) => i.start()));
  });
  afterAll(async () => {
    await w?.close();
    await cleanUpEverything();
    say(`results\n${summaryTable()}`);
  });

  const sendingCount = async () =>
    Number(
      (
        await w.db.db
          .selectFrom("orders")
          .select((e) => e.fn.countAll<number>().as("n"))
          .where("dispatch_state", "=", "sending")
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("1. kill -9 of an instance in the middle of dispatch, then restart: no order sent twice or lost", async () => {
    const [a] = w.instances;
    // Calls the panel answers slowly: orders are in flight to it when the instance dies.
    await w.provider.fault({ action: "add", kind: "latency", ms: 1_500 });
    const load = loadFor(w, "kill9");
    await load.placedAtLeast(SMOKE ? 10 : 40);
    await until("orders in flight to the provider", async () => (await sendingCount()) >= 3, 20_000, 50);
    const inFlight = await sendingCount();
    say(`kill9: kill -9 ${a!.name} with ${inFlight} orders in flight to the provider`);
    await a!.stop("SIGKILL");
    await sleep(windowMs(1_000, 5_000));
    await a!.start();
    say(`kill9: ${a!.name} restarted`);
    await w.provider.clearFaults();
    await load.placedAtLeast(SMOKE ? 10 : 60);
    const result = await finish(w, "1. kill -9 mid-dispatch", load, [`${inFlight} orders in flight at the kill`]);
    expect(result.placed.length).toBeGreaterThan(0);
  });

  it("2. the provider failing, then recovering: orders retried, held ones reconciled, none sent twice", async () => {
    const load = loadFor(w, "provider");
    await load.placedAtLeast(5);
    const down = windowMs(5_000, 60_000);
    say(`provider: failing for ${down / 1000} s (two 503s after acting, then Cloudflare 521: not reached)`);
    await w.provider.fault({ action: "add", kind: "http503", times: 2 });
    await w.provider.fault({ kind: "cf521" });
    await sleep(down);
    await w.provider.clearFaults();
    say("provider: answering again");
    await load.placedAtLeast(SMOKE ? 10 : 60);
    await finish(w, "2. provider down and back", load, [`provider failing ${down / 1000} s`]);
  });

  it("3. MariaDB restarted under load: 503s while it is away, nothing half-written, the pools recover", async () => {
    const load = loadFor(w, "mariadb");
    await load.placedAtLeast(10);
    say("mariadb: kill -9 of MariaDB");
    await w.mariadb.stop("SIGKILL");
    await sleep(windowMs(2_000, 15_000));
    await w.mariadb.start();
    say("mariadb: MariaDB back (crash recovery done)");
    await load.placedAtLeast(SMOKE ? 10 : 60);
    const result = await finish(w, "3. MariaDB restarted", load);
    expect(result.status503).toBeGreaterThan(0);
  });

  it("4. Redis restarted under load: orders go on, rate limits and the cache bus come back", async () => {
    const load = loadFor(w, "redis");
    await load.placedAtLeast(10);
    say("redis: kill -9 of Redis");
    await w.redis.stop("SIGKILL");
    await sleep(windowMs(2_000, 15_000));
    await w.redis.start();
    say("redis: Redis back (empty: nothing saved)");
    await load.placedAtLeast(SMOKE ? 10 : 60);
    await finish(w, "4. Redis restarted", load);
    for (const i of w.instances) {
      const ready = await httpRequest(`${i.url}/readyz`, { host: PLATFORM_HOST });
      expect(ready.status, `${i.name} /readyz after Redis came back`).toBe(200);
    }
  });

  it("5. two instances with every job running: no job runs twice at once, money holds", async () => {
    // A third process's worth of job runs beside the two schedulers: every job, twice at a time.
    const runner: Platform = await bootPlatform(loadConfig({ ...w.env, SCHEDULER: "off", LOG_LEVEL: "error" }), { migrate: false, seed: false });
    const load = loadFor(w, "jobs");
    let ran = 0;
    let busy = 0;
    let running = 0;
    let overlaps = 0;
    // Each job counted while it runs here: two runs of one job at the same moment would be an overlap.
    const counted = JOBS.map((job) => ({
      ...job,
      run: async (ctx: Parameters<typeof job.run>[0], progress: Parameters<typeof job.run>[1]) => {
        if (++running > 1) overlaps++;
        try {
          return await job.run(ctx, progress);
        } finally {
          running--;
        }
      },
    }));
    try {
      const rounds = SMOKE ? 1 : 3;
      for (let round = 0; round < rounds; round++) {
        for (const job of counted) {
          const both = await Promise.all([runJobOnce(runner.services, job), runJobOnce(runner.services, job)]);
          for (const r of both)
            if (r) ran++;
            else busy++;
        }
        say(`jobs: round ${round + 1}/${rounds}: ${ran} job runs, ${busy} found the job running elsewhere`);
      }
    } finally {
      await runner.close();
    }
    await load.placedAtLeast(SMOKE ? 5 : 60);
    await finish(w, "5. two instances, every job", load, [`${ran} job runs beside the schedulers, ${busy} refused by the lock`]);
    expect(overlaps, "a job ran twice at once").toBe(0);
    expect(busy).toBeGreaterThan(0);
  });

  it("6. a read-only database: 503s with Retry-After, no partial writes, orders resume when writable", async () => {
    const load = loadFor(w, "readonly");
    await load.placedAtLeast(5);
    say("readonly: SET GLOBAL read_only = ON (the app's user has no SUPER)");
    await w.mariadb.setReadOnly(true);
    let probe: Awaited<ReturnType<typeof httpRequest>>;
    try {
      probe = await httpRequest(`${w.instances[0]!.url}/api/user/orders`, {
        method: "POST",
        host: PLATFORM_HOST,
        headers: { authorization: `Bearer ${w.clients[0]!.token}`, "idempotency-key": "readonly-probe" },
        json: { service_id: w.serviceId, link: "https://instagram.com/reliability/readonly-probe", quantity: w.quantity },
      });
      await sleep(windowMs(3_000, 20_000));
    } finally {
      await w.mariadb.setReadOnly(false);
    }
    say("readonly: writable again");
    expect(probe.status).toBe(503);
    expect(probe.headers["retry-after"]).toBeDefined();
    expect(JSON.parse(probe.text).error.code).toBe("database_unavailable");
    await load.placedAtLeast(SMOKE ? 5 : 60);
    const result = await finish(w, "6. read-only database", load);
    expect(result.status503).toBeGreaterThan(0);
  });
});
