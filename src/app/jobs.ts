import type { JobDef } from "../jobs/scheduler.ts";
import { cleanupJob } from "../maintenance/cleanup.ts";
import { syncServicesJob } from "../catalog/sync.ts";
import { rollupStatistics } from "../statistics/rollup.ts";
import { renewalsJob } from "../white-label/jobs.ts";
import { dispatchOrdersJob, syncOrdersJob } from "../orders/jobs.ts";
import { providerBalancesJob } from "../providers/balances.ts";
import { releaseCommissionsJob } from "../referrals/release.ts";
import { reconcileGatewaysJob } from "../payment-gateways/reconcile.ts";

/** Every scheduled job; each is also a CLI command of the same name. Features add theirs here. */
export const JOBS: JobDef[] = [
  cleanupJob,
  syncServicesJob,
  renewalsJob,
  dispatchOrdersJob,
  syncOrdersJob,
  providerBalancesJob,
  releaseCommissionsJob,
  reconcileGatewaysJob,
  {
    name: "statistics:rollup",
    description: "roll up today's and yesterday's platform and user statistics, and the earlier days a late refund changed",
    schedule: "*/15 * * * *",
    run: async (ctx, progress) => {
      progress.start("statistics", 1);
      const r = await rollupStatistics(ctx);
      progress.done(`rolled up ${r.days.join(", ")}`);
      return r;
    },
  },
];
