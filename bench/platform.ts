import { randomBytes } from "node:crypto";
import { bootPlatform } from "../src/app/boot.ts";
import { loadConfig } from "../src/config/config.ts";

/**
 * The platform the benches boot in their own process, configured as production requires
 * (src/config/production.ts), so they measure what production runs: no scheduler, no per-address limit
 * that one load generator would hit, cheap password hashes for the accounts they create. `env` names
 * the database and the upstream panel, and may add to or override the rest.
 */
export function bootBenchPlatform(env: { DATABASE_URL: string; SMM_API_URL: string; SMM_API_KEY: string } & Record<string, string>) {
  const config = loadConfig({
    NODE_ENV: "production",
    DATA_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    APP_URL: "https://izyboost.bench",
    MAIL_HOST: "127.0.0.1",
    SITES_DOMAIN: "sites.bench",
    LOG_LEVEL: "error",
    SCHEDULER: "off",
    RATE_LIMIT_PER_MINUTE: "100000000",
    ...env,
  });
  return bootPlatform(config, { passwordCost: { memory: 1024, passes: 1, parallelism: 1 } });
}
