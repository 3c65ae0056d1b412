import { developmentDataKey } from "../lib/secret-box.ts";
import type { Config } from "../config/config.ts";
import { systemCtx, type AppServices } from "../context.ts";
import { createServices, type ServiceOptions } from "./services.ts";
import { openDatabase, type DbHandle } from "../db/database.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { withBootLock } from "../db/boot-lock.ts";
import { createLogger, type Logger } from "../lib/logger.ts";
import { createStoreFactory } from "../http/rate-limit.ts";
import { startCacheBus } from "./cache-bus.ts";
import { createApp, type AppHandle } from "./app.ts";
import { seedAll } from "../seed/seeders.ts";
import { createMailer } from "../mail/mailer.ts";
import { settleDispatchKicks } from "../orders/dispatch.ts";
import { numberStrayOrders } from "../orders/numbering.ts";
import { sealStoredProviderKeys } from "../providers/provider-key.ts";

export interface Platform extends AppHandle {
  services: AppServices;
  handle: DbHandle;
  close(): Promise<void>;
}

/** Opens the database, migrates and seeds it, and builds the HTTP app. */
export async function bootPlatform(
  config: Config,
  opts: ServiceOptions & { logger?: Logger; migrate?: boolean; seed?: boolean; cacheCheckMs?: number } = {},
): Promise<Platform> {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const handle = openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
  const mailer = createMailer(config, logger);
  const services = createServices(config, handle, logger, mailer, opts);
  if (config.DATA_ENCRYPTION_KEY.equals(developmentDataKey()))
    logger.warn("DATA_ENCRYPTION_KEY is not set: secrets at rest are sealed with the public development key, which protects nothing");
  try {
    // Instances starting together take turns: the first migrates and seeds, the others find it done.
    await withBootLock(handle.db, async () => {
      if (opts.migrate !== false) await migrateToLatest(handle.db);
      if (opts.seed !== false) await seedAll(systemCtx(services));
      // Keys stored before they were sealed (or written by hand) are sealed now; a key that does not open stops the start.
      if (opts.migrate !== false) await sealStoredProviderKeys(systemCtx(services));
      // Orders a crash left between their placement's commit and their number (MariaDB) are numbered now.
      if (opts.migrate !== false) await numberStrayOrders(systemCtx(services));
    });
  } catch (err) {
    await services.state.close();
    mailer.close();
    await handle.close();
    throw err;
  }
  const stores = createStoreFactory(config.REDIS_URL);
  const app = createApp(services, stores.make, stores.ping);
  // With REDIS_URL, what one instance changes drops the cached pages of every instance.
  const cacheBus = await startCacheBus(config.REDIS_URL, services.events, logger, { checkEveryMs: opts.cacheCheckMs }).catch(async (err) => {
    await services.state.close();
    mailer.close();
    await stores.close();
    await handle.close();
    throw err;
  });
  return {
    ...app,
    services,
    handle,
    async close() {
      // Orders being sent right now finish before the database goes away.
      await settleDispatchKicks(services);
      await cacheBus?.close();
      await services.state.close();
      await mailer.flush();
      mailer.close();
      await stores.close();
      await handle.close();
    },
  };
}
