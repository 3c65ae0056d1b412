import type { JobDef } from "../jobs/scheduler.ts";
import { runRenewals } from "./renewals.ts";

export const renewalsJob: JobDef = {
  name: "white-label:renewals",
  description: "charge due white-label subscriptions; grace, suspension and reminders",
  schedule: "17 * * * *",
  run: (ctx, progress) => runRenewals(ctx, progress),
};
