import type { Config } from "../config/config.ts";
import type { Platform } from "./boot.ts";
import { startScheduler } from "../jobs/scheduler.ts";
import { JOBS } from "./jobs.ts";
import { startProviders } from "../providers/bootstrap.ts";

/**
 * What `npm start` runs beside the HTTP server: the simulated provider when no SMM_API_URL
 * is configured, and the croner schedule.
 */
export const startBackground = {
  async prepare(config: Config) {
    const stops: (() => Promise<void> | void)[] = [];
    return {
      config,
      async afterBoot(platform: Platform) {
        const providers = await startProviders(platform.services);
        stops.push(() => providers.stop());
        if (config.SCHEDULER === "on") {
          const scheduler = startScheduler(platform.services, JOBS);
          stops.push(() => scheduler.stop());
        }
      },
      async stop() {
        for (const s of stops.reverse()) await s();
      },
    };
  },
};
