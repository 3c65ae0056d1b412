import type { Config } from "../config/config.ts";
import type { Platform } from "../boot.ts";

/**
 * What `npm start` runs beside the HTTP server: the simulated provider when no SMM_API_URL
 * is configured, and the croner schedule. Features register their jobs here.
 */
export const startBackground = {
  async prepare(config: Config) {
    const stops: (() => Promise<void>)[] = [];
    return {
      config,
      async afterBoot(_platform: Platform) {},
      async stop() {
        for (const s of stops.reverse()) await s();
      },
    };
  },
};
