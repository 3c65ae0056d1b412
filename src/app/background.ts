import type { Config } from "../config/config.ts";
import type { Platform } from "./boot.ts";
import { startScheduler, type JobDef } from "../jobs/scheduler.ts";
import { JOBS } from "./jobs.ts";
import { startProviders } from "../providers/bootstrap.ts";
import { startGateways } from "../gateway-sim/bootstrap.ts";

/** The jobs as the schedule runs them here, each run counted while it goes, so a shutdown can wait for it. */
function trackedJobs(jobs: readonly JobDef[], running: Set<Promise<unknown>>): JobDef[] {
  return jobs.map((job) => ({
    ...job,
    run: (ctx, progress) => {
      const run = job.run(ctx, progress);
      running.add(run);
      const done = () => running.delete(run);
      run.then(done, done);
      return run;
    },
  }));
}

/**
 * What `npm start` runs beside the HTTP server: the simulated provider when no SMM_API_URL
 * is configured (never in production), the simulated payment gateway when no real one is (never in production),
 * and the croner schedule. `stop()` starts no new job and waits for the running ones.
 */
export const startBackground = {
  async prepare(config: Config, jobs: readonly JobDef[] = JOBS) {
    const stops: (() => Promise<void> | void)[] = [];
    const running = new Set<Promise<unknown>>();
    return {
      config,
      async afterBoot(platform: Platform) {
        const providers = await startProviders(platform.services);
        stops.push(() => providers.stop());
        // Notifications of the simulated gateway reach the app in process, on the host the notify URL names.
        const gateways = await startGateways(platform.services, async (url, init) => {
          const res = await platform.app.fetch(new Request(url, { ...init, headers: { ...init.headers, host: new URL(url).host } }));
          return { status: res.status };
        });
        stops.push(() => gateways.stop());
        if (config.SCHEDULER === "on") {
          const scheduler = startScheduler(platform.services, trackedJobs(jobs, running));
          stops.push(async () => {
            scheduler.stop();
            await Promise.allSettled([...running]);
          });
        }
      },
      async stop() {
        for (const s of stops.reverse()) await s();
      },
    };
  },
};
