import type { JobDef } from "../jobs/scheduler.ts";
import { dispatchOrders } from "./dispatch.ts";
import { numberStrayOrders } from "./numbering.ts";
import { retryPendingReversals } from "./referrals.ts";
import { syncOrderStatuses, syncRefills } from "./sync.ts";

/** The lease of the order jobs: how long a killed instance's run keeps the others from running them. */
export const DISPATCH_LEASE_MS = 60_000;

/** `smm:dispatch-orders`: every 10 s; sends queued orders that are due (placement also kicks it at once). */
export const dispatchOrdersJob: JobDef = {
  name: "smm:dispatch-orders",
  description: "send queued orders to their providers (retries with backoff; unknown outcomes are held)",
  schedule: "*/10 * * * * *",
  // Renewed every 20 s while it runs: an instance killed mid-run stops dispatch for a minute, not ten
  // (every send is a compare-and-set claim, so a run that overlaps after a lost lease sends nothing twice).
  lockTtlMs: DISPATCH_LEASE_MS,
  run: async (ctx, progress) => {
    progress.start("dispatch", 1);
    const r = await dispatchOrders(ctx);
    progress.done(
      `sent ${r.sent}, retry later ${r.retry}, held for the provider ${r.held}, failed ${r.failed}, unknown ${r.unknown}, skipped ${r.skipped}, interrupted ${r.interrupted}, refunded after a hold ${r.expired}`,
    );
    return r;
  },
};

/** `smm:sync-orders`: every minute; provider statuses (batched), refills, clawbacks still owed, and orders a crash left unnumbered. */
export const syncOrdersJob: JobDef = {
  name: "smm:sync-orders",
  description: "update orders in flight from their providers (status batches of 100), refills, owed clawbacks and orders left unnumbered",
  schedule: "* * * * *",
  // As dispatch: a killed holder delays status updates a minute at most; every change is a guarded transition.
  lockTtlMs: DISPATCH_LEASE_MS,
  run: async (ctx, progress) => {
    progress.start("order statuses", 4);
    const statuses = await syncOrderStatuses(ctx);
    progress.tick();
    const refills = await syncRefills(ctx);
    progress.tick();
    const reversals = await retryPendingReversals(ctx);
    progress.tick();
    const numbered = await numberStrayOrders(ctx);
    progress.tick();
    progress.done(
      `checked ${statuses.checked} orders in ${statuses.calls} calls, ${statuses.changed} changed, ${statuses.errors.length} provider errors; ${refills.checked} refills; ${reversals.reversed} clawbacks recovered; ${numbered} orders numbered late`,
    );
    return { statuses, refills, reversals, numbered };
  },
};
