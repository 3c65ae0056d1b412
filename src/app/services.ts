import type { Config } from "../config/config.ts";
import { createAppState, type AppParts, type AppServices, type Argon2Cost } from "../context.ts";
import { DEFAULT_COST } from "../auth/password.ts";
import { systemDns, type Dns } from "../lib/dns.ts";
import { systemClock, type Clock } from "../lib/time.ts";
import type { Logger } from "../lib/logger.ts";
import type { DbHandle } from "../db/database.ts";
import type { Mailer } from "../mail/mailer.ts";
import { createAppEvents } from "./events.ts";

export interface ServiceOptions {
  clock?: Clock;
  dns?: Partial<Dns>;
  /** Tests lower it so that suites that sign up hundreds of users stay quick. */
  passwordCost?: Argon2Cost;
}

/** The app's long-lived parts; every per-app cache and batch lives in their `state`, so two apps in one process share nothing. */
export function createServices(config: Config, handle: DbHandle, logger: Logger, mailer: Mailer, opts: ServiceOptions = {}): AppServices {
  const parts: AppParts = {
    config,
    db: handle.db,
    dialect: handle.dialect,
    clock: opts.clock ?? systemClock,
    logger,
    mailer,
    events: createAppEvents(),
    dns: { ...systemDns, ...opts.dns },
    passwordCost: opts.passwordCost ?? DEFAULT_COST,
  };
  return { ...parts, state: createAppState(parts) };
}
