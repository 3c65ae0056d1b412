import { afterAll, beforeAll, expect, it } from "vitest";
import { runJobOnce } from "../../src/jobs/scheduler.ts";
import { DISPATCH_LEASE_MS, dispatchOrdersJob, syncOrdersJob } from "../../src/orders/jobs.ts";
import { dbNow } from "../../src/lib/time.ts";
import { describeEachDialect } from "../harness/platform.ts";
import { closeWorld, orderWorld, type World } from "./support.ts";

describeEachDialect("an instance killed while it runs an order job", (dialect) => {
  let w: World;
  beforeAll(async () => {
    w = await orderWorld(dialect);
  });
  afterAll(() => closeWorld(w));

  for (const job of [dispatchOrdersJob, syncOrdersJob]) {
    it(`holds ${job.name} back for a minute at most, then another instance runs it`, async () => {
      // The lease a killed instance leaves: claimed for the job's lease time, never renewed or deleted again.
      await w.p.services.db
        .insertInto("job_locks")
        .values({ name: job.name, owner: "killed-instance", locked_until: dbNow(w.clock, job.lockTtlMs ?? 0) })
        .execute();
      expect(await runJobOnce(w.p.services, job)).toBeNull();
      w.clock.advance(DISPATCH_LEASE_MS + 1_000);
      expect(await runJobOnce(w.p.services, job)).toMatchObject({ ran: true });
    });
  }
});
