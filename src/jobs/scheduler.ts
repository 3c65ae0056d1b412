import { Cron } from "croner";
import type { AppServices, Ctx } from "../context.ts";
import { systemCtx } from "../context.ts";
import { withJobLock } from "./locks.ts";

/** Reports progress of long work; the CLI draws a bar, the scheduler stays quiet. */
export interface Progress {
  start(label: string, total: number): void;
  tick(n?: number): void;
  done(summary?: string): void;
}

export const silentProgress: Progress = { start() {}, tick() {}, done() {} };

export interface JobDef {
  /** Also the CLI command name, e.g. "smm:sync-services". */
  name: string;
  description: string;
  /** Croner pattern (seconds optional). */
  schedule: string;
  /** How long a lock is kept if the process dies mid-run. */
  lockTtlMs?: number;
  run(ctx: Ctx, progress: Progress): Promise<unknown>;
}

export async function runJobOnce(services: AppServices, job: JobDef, progress: Progress = silentProgress) {
  const ctx = systemCtx(services);
  return withJobLock(ctx, job.name, job.lockTtlMs ?? 10 * 60_000, () => job.run(ctx, progress));
}

/** Starts every job on its schedule; a run that is still going is not started again. */
export function startScheduler(services: AppServices, jobs: readonly JobDef[]): { stop(): void } {
  const crons = jobs.map(
    (job) =>
      new Cron(
        job.schedule,
        { name: job.name, protect: true, catch: (err) => services.logger.error("job failed", { job: job.name, error: String(err) }) },
        async () => {
          const r = await runJobOnce(services, job);
          if (!r) services.logger.debug("job skipped: running elsewhere", { job: job.name });
        },
      ),
  );
  return {
    stop() {
      for (const c of crons) c.stop();
    },
  };
}
