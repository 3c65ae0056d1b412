import type { Config } from "./config/config.ts";
import type { Db, DialectName } from "./db/database.ts";
import type { Site, User } from "./db/schema.ts";
import type { Clock } from "./lib/time.ts";
import type { Logger } from "./lib/logger.ts";
import type { Mailer } from "./mail/mailer.ts";
import { PLATFORM_TENANT_ID } from "./core/tenant-id.ts";

/** The platform itself is tenant 0; a white-label site is another tenant. */
export type Tenant = { kind: "platform"; siteId: typeof PLATFORM_TENANT_ID } | { kind: "site"; siteId: number; site: Site };

export const PLATFORM: Tenant = Object.freeze({ kind: "platform", siteId: PLATFORM_TENANT_ID });

/** Long-lived parts of the running app, built once at start. */
export interface AppServices {
  config: Config;
  db: Db;
  dialect: DialectName;
  clock: Clock;
  logger: Logger;
  mailer: Mailer;
  /** Hooks other features register to react to changes (cache invalidation…). */
  events: AppEvents;
}

export interface AppEvents {
  siteChanged(siteId: number): void;
  catalogChanged(): void;
  onSiteChanged(fn: (siteId: number) => void): void;
  onCatalogChanged(fn: () => void): void;
  /** A platform order's status, remains, start count or refunds may have changed: awaited in the caller's transaction. */
  orderChanged(ctx: Ctx, orderId: number): Promise<void>;
  onOrderChanged(fn: (ctx: Ctx, orderId: number) => Promise<void>): void;
}

export function createEvents(): AppEvents {
  const site: ((id: number) => void)[] = [];
  const catalog: (() => void)[] = [];
  const order: ((ctx: Ctx, orderId: number) => Promise<void>)[] = [];
  return {
    siteChanged: (id) => {
      for (const f of site) f(id);
    },
    catalogChanged: () => {
      for (const f of catalog) f();
    },
    onSiteChanged: (f) => void site.push(f),
    onCatalogChanged: (f) => void catalog.push(f),
    orderChanged: async (ctx, orderId) => {
      for (const f of order) await f(ctx, orderId);
    },
    onOrderChanged: (f) => void order.push(f),
  };
}

/** What a domain verb receives: never Hono, always the tenant. */
export interface Ctx {
  db: Db;
  dialect: DialectName;
  tenant: Tenant;
  user: User | null;
  clock: Clock;
  logger: Logger;
  config: Config;
  events: AppEvents;
  mailer: Mailer;
  ip?: string;
}

/** The context of a verb acting for a signed-in user: what ctxOf gives behind a user guard. */
export type AuthedCtx = Ctx & { user: User };

export function systemCtx(services: AppServices, tenant: Tenant = PLATFORM, user: User | null = null): Ctx {
  return { db: services.db, dialect: services.dialect, tenant, user, clock: services.clock, logger: services.logger, config: services.config, events: services.events, mailer: services.mailer };
}

/** Runs fn in one DB transaction, joining the outer one if ctx is already inside a transaction. */
export async function withTransaction<T>(ctx: Ctx, fn: (tx: Ctx) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return fn(ctx);
  return ctx.db.transaction().execute((trx) => fn({ ...ctx, db: trx }));
}

export function requireUser(ctx: Ctx): User {
  if (!ctx.user) throw new Error("domain verb called without a user");
  return ctx.user;
}
