import { AsyncLocalStorage } from "node:async_hooks";
import type { Config } from "./config/config.ts";
import type { Db, DialectName } from "./db/database.ts";
import type { Site, User } from "./db/schema.ts";
import type { Clock } from "./lib/time.ts";
import type { Dns } from "./lib/dns.ts";
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
  /** Each feature's state that lasts as long as the app (caches, batches, connections): here, never in a module. */
  state: AppState;
  dns: Dns;
  /** argon2id cost of new password hashes (tests lower it through the platform builder). */
  passwordCost: Argon2Cost;
}

/** OWASP's argon2id baseline is 19 MiB, 2 passes, 1 lane (src/auth/password.ts). */
export interface Argon2Cost {
  memory: number;
  passes: number;
  parallelism: number;
}

/** What a slot's value is made from: the app's long-lived parts (never a request's transaction). */
export type AppParts = Omit<AppServices, "state">;

/** A named piece of per-app state, declared by the feature that owns it; its value is made on first use. */
interface AppSlot<T> {
  readonly name: string;
  readonly make: (app: AppParts) => T;
  /** Run when the app closes (connections to end, work to finish). */
  readonly close?: (value: T) => Promise<void> | void;
}

export function appSlot<T>(name: string, make: (app: AppParts) => T, close?: (value: T) => Promise<void> | void): AppSlot<T> {
  return Object.freeze({ name, make, close });
}

export interface AppState {
  get<T>(slot: AppSlot<T>): T;
  /** Closes every slot made so far, in reverse order of making. */
  close(): Promise<void>;
}

/** The slots' values of one app: two apps in one process (tests in one worker) share none of them. */
export function createAppState(app: AppParts): AppState {
  const values = new Map<object, unknown>();
  const closers: (() => Promise<void> | void)[] = [];
  return {
    get<T>(slot: AppSlot<T>): T {
      if (values.has(slot)) return values.get(slot) as T;
      const value = slot.make(app);
      values.set(slot, value);
      const close = slot.close;
      if (close) closers.push(() => close(value));
      return value;
    },
    async close() {
      for (const close of closers.splice(0).reverse()) await close();
      values.clear();
    },
  };
}

export interface AppEvents {
  siteChanged(siteId: number): void;
  catalogChanged(): void;
  onSiteChanged(fn: (siteId: number) => void): void;
  onCatalogChanged(fn: () => void): void;
  /** Anything may have changed (another instance's announcement was lost): every cache drops what it holds. */
  allChanged(): void;
  onAllChanged(fn: () => void): void;
  /** A platform order's status, remains, start count or refunds may have changed: awaited in the caller's transaction. */
  orderChanged(ctx: Ctx, orderId: number): Promise<void>;
  onOrderChanged(fn: (ctx: Ctx, orderId: number) => Promise<void>): void;
}

export function createEvents(): AppEvents {
  const site: ((id: number) => void)[] = [];
  const catalog: (() => void)[] = [];
  const all: (() => void)[] = [];
  const order: ((ctx: Ctx, orderId: number) => Promise<void>)[] = [];
  return {
    siteChanged: (id) => {
      for (const f of site) f(id);
    },
    catalogChanged: () => {
      for (const f of catalog) f();
    },
    allChanged: () => {
      for (const f of all) f();
    },
    onSiteChanged: (f) => void site.push(f),
    onAllChanged: (f) => void all.push(f),
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
  state: AppState;
  dns: Dns;
  passwordCost: Argon2Cost;
  ip?: string;
}

/** The context of a verb acting for a signed-in user: what ctxOf gives behind a user guard. */
export type AuthedCtx = Ctx & { user: User };

export function systemCtx(services: AppServices, tenant: Tenant = PLATFORM, user: User | null = null): Ctx {
  return {
    db: services.db,
    dialect: services.dialect,
    tenant,
    user,
    clock: services.clock,
    logger: services.logger,
    config: services.config,
    events: services.events,
    mailer: services.mailer,
    state: services.state,
    dns: services.dns,
    passwordCost: services.passwordCost,
  };
}

/** A write that must commit with the first transaction of some work, or not at all (see withCommitMark). */
const commitMarks = new AsyncLocalStorage<{ mark: ((tx: Ctx) => Promise<void>) | null }>();

/**
 * Runs fn so that the first transaction it commits also runs `mark` inside, just before committing:
 * afterwards the mark's row says whether the work committed, whatever happens to the process or the
 * database next (the idempotency key of a request: src/idempotency). The mark is dropped when fn ends.
 */
export async function withCommitMark<T>(mark: (tx: Ctx) => Promise<void>, fn: () => Promise<T>): Promise<T> {
  const slot = { mark: mark as ((tx: Ctx) => Promise<void>) | null };
  try {
    return await commitMarks.run(slot, fn);
  } finally {
    slot.mark = null;
  }
}

/** Runs fn in one DB transaction, joining the outer one if ctx is already inside a transaction. */
export async function withTransaction<T>(ctx: Ctx, fn: (tx: Ctx) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return fn(ctx);
  const slot = commitMarks.getStore();
  const result = await ctx.db.transaction().execute(async (trx) => {
    const tx = { ...ctx, db: trx };
    const value = await fn(tx);
    if (slot?.mark) await slot.mark(tx);
    return value;
  });
  // Only once committed: a transaction rolled back (and retried after a deadlock) carries the mark again.
  if (slot) slot.mark = null;
  return result;
}

export function requireUser(ctx: Ctx): User {
  if (!ctx.user) throw new Error("domain verb called without a user");
  return ctx.user;
}
