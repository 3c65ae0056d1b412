import type { Config } from "../config/config.ts";
import type { Platform } from "./boot.ts";
import { startScheduler } from "../jobs/scheduler.ts";
import { JOBS } from "./jobs.ts";
import { startProviders } from "../providers/bootstrap.ts";
import { startGateways } from "../gateway-sim/bootstrap.ts";

/**
 * What `npm start` runs beside the HTTP server: the simulated provider when no SMM_API_URL
 * is configured, the simulated payment gateway when no real one is (never in production), and the croner schedule.
 */
export const startBackground = {
  async prepare(config: Config) {
    const stops: (() => Promise<void> | void)[] = [];
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
