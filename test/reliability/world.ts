import { join } from "node:path";
import { loadConfig } from "../../src/config/config.ts";
import { bootPlatform } from "../../src/app/boot.ts";
import { systemCtx } from "../../src/context.ts";
import { openDatabase, type DbHandle } from "../../src/db/database.ts";
import { registerUser } from "../../src/auth/service.ts";
import { createSession } from "../../src/auth/session.ts";
import { credit } from "../../src/wallet/ledger.ts";
import { prepareProviders } from "../../src/providers/bootstrap.ts";
import { syncServices } from "../../src/catalog/sync.ts";
import { startSmtp } from "../harness/smtp.ts";
import { makeInstance, productionEnv, startProviderProcess, type Instance, type ProviderProcess } from "./fleet.ts";
import { startOwnMariadb, startOwnRedis, type OwnMariadb, type OwnRedis } from "./servers.ts";
import { tempDir } from "./processes.ts";
import { say } from "./report.ts";

export interface Client {
  userId: number;
  token: string;
}

export interface World {
  mariadb: OwnMariadb;
  redis: OwnRedis;
  provider: ProviderProcess;
  /** The suite's own look at the database (root), for the checks; its pool survives MariaDB restarts. */
  db: DbHandle;
  env: Record<string, string>;
  instances: Instance[];
  clients: Client[];
  adminToken: string;
  serviceId: number;
  /** What each order asks for: the service's minimum, at least 100. */
  quantity: number;
  logDir: string;
  close(): Promise<void>;
}

/** 1 000 000 000 XOF each: no client runs out of money, so every refusal is a fault of the platform's own. */
const CLIENT_FUNDS = 1_000_000_000 * 1_000_000;

/**
 * Everything the scenarios share: the suite's own MariaDB and Redis, the simulated provider in its own
 * process, an SMTP server on loopback, then the platform migrated and seeded through its own functions
 * (the provider from SMM_API_URL, its catalogue synced, clients with money and sessions, an admin),
 * and two instances (not started: each scenario starts what it needs).
 */
export async function makeWorld(opts: { clients: number }): Promise<World> {
  const logDir = tempDir("logs");
  say(`setup: own MariaDB, Redis and simulated provider (logs in ${logDir})`);
  const [mariadb, redis, provider, smtp] = await Promise.all([startOwnMariadb("izyboost"), startOwnRedis(), startProviderProcess(logDir), startSmtp()]);
  const env = productionEnv({ databaseUrl: mariadb.appUrl, redisUrl: redis.url, providerUrl: provider.url, mailPort: smtp.port });

  const platform = await bootPlatform(loadConfig({ ...env, SCHEDULER: "off", LOG_LEVEL: "error" }), {
    passwordCost: { memory: 1024, passes: 1, parallelism: 1 },
  });
  const ctx = systemCtx(platform.services);
  await prepareProviders(platform.services);
  const providerRow = await ctx.db.selectFrom("api_providers").select("id").where("code", "=", "env").executeTakeFirstOrThrow();
  await syncServices(ctx, { providerId: providerRow.id });
  const service = await ctx.db
    .selectFrom("services")
    .select(["id", "min"])
    .where("provider_id", "=", providerRow.id)
    .where("type", "=", "Default")
    .where("is_active", "=", 1)
    .where("max", ">=", 1000)
    .orderBy("id")
    .executeTakeFirstOrThrow();
  const clients: Client[] = [];
  for (let i = 0; i < opts.clients; i++) {
    const u = await registerUser(ctx, {
      username: `client${i}`,
      email: `client${i}@example.com`,
      password: "reliability-pass-1",
      welcome: false,
      emailVerified: true,
    });
    await credit(ctx, { userId: u.id, amount: CLIENT_FUNDS, type: "adjustment", description: "reliability suite funds" });
    clients.push({ userId: u.id, token: (await createSession(ctx, u.id)).token });
  }
  const admin = await registerUser(ctx, {
    username: "reladmin",
    email: "admin@example.com",
    password: "reliability-pass-1",
    welcome: false,
    emailVerified: true,
  });
  await ctx.db.updateTable("users").set({ role: "admin" }).where("id", "=", admin.id).execute();
  const adminToken = (await createSession(ctx, admin.id)).token;
  await platform.close();
  say(`setup: seeded ${clients.length} clients, service #${service.id}, provider #${providerRow.id}`);

  const db = openDatabase({ url: `${mariadb.rootUrl}/izyboost`, dataDir: join(logDir, "unused") });
  const instances = [await makeInstance("instance-a", env, logDir), await makeInstance("instance-b", env, logDir)];
  return {
    mariadb,
    redis,
    provider,
    db,
    env,
    instances,
    clients,
    adminToken,
    serviceId: service.id,
    quantity: Math.max(100, Number(service.min)),
    logDir,
    async close() {
      await Promise.all(instances.map((i) => i.stop("SIGKILL")));
      await db.close().catch(() => {});
      await smtp.close();
    },
  };
}
