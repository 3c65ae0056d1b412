import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe } from "vitest";
import { createConnection } from "mysql2/promise";
import { loadConfig } from "../../src/config/config.ts";
import { bootPlatform, type Platform } from "../../src/app/boot.ts";
import { systemCtx, type Argon2Cost, type Ctx, type Tenant } from "../../src/context.ts";
import type { DialectName } from "../../src/db/database.ts";
import type { Clock } from "../../src/lib/time.ts";
import { createMigratedDatabase } from "./mysql-schema.ts";

/** Dialects this run covers: TEST_DIALECTS=sqlite (default), mysql, or both. */
export function testDialects(): DialectName[] {
  const raw = (process.env.TEST_DIALECTS ?? "sqlite")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return raw.map((d) => (d === "mariadb" ? "mysql" : d)) as DialectName[];
}

/** The SITES_DOMAIN of test platforms: a site's host is `<slug>.${SITES}`. */
export const SITES = "sites.izyboost.test";

export const mysqlServerUrl = () => process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";

/** Runs a suite once per configured dialect, each test file with its own fresh database. */
export function describeEachDialect(name: string, fn: (dialect: DialectName) => void): void {
  for (const dialect of testDialects()) describe(`${name} [${dialect}]`, () => fn(dialect));
}

/** TXT answers of a test platform's DNS (no network): what a test says, none by default. */
export type TxtAnswers = (name: string) => Promise<string[][]>;
const NO_TXT: TxtAnswers = async () => [];

/** Still argon2id, with a smaller memory cost so that suites that sign up hundreds of users stay quick. */
export const TEST_PASSWORD_COST: Argon2Cost = Object.freeze({ memory: 1024, passes: 1, parallelism: 1 });

export interface TestPlatform extends Platform {
  dialect: DialectName;
  ctx(tenant?: Tenant): Ctx;
  /** Request against the app with a Host of our choosing. */
  request(path: string, init?: RequestInit & { host?: string; token?: string; json?: unknown; ip?: string }): Promise<Response>;
  /** What this platform's DNS answers for TXT records from now on (null: none). */
  answerTxt(answers: TxtAnswers | null): void;
}

/** A fresh database (SQLite file or MariaDB schema) with migrations and seeds, and the app over it. */
export async function makePlatform(
  dialect: DialectName,
  env: Record<string, string> = {},
  opts: { clock?: Clock; passwordCost?: Argon2Cost; cacheCheckMs?: number } = {},
): Promise<TestPlatform> {
  let databaseUrl: string;
  let cleanup: () => Promise<void>;
  if (dialect === "mysql") {
    const name = `izy_test_${randomBytes(6).toString("hex")}`;
    const server = mysqlServerUrl();
    await createMigratedDatabase(server, name);
    databaseUrl = `${server.replace(/\/+$/, "")}/${name}`;
    cleanup = async () => {
      const c = await createConnection(server);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), "izy-test-"));
    databaseUrl = `sqlite:${join(dir, "test.db")}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  return bootTestApp(dialect, databaseUrl, env, opts, cleanup);
}

/**
 * Another instance of the same platform: its own app, caches, rate-limit store and clock over the
 * same database (already migrated and seeded), as a second server behind a load balancer is.
 * Closing it leaves the database to the first.
 */
export function anotherInstance(
  p: TestPlatform,
  env: Record<string, string> = {},
  opts: { clock?: Clock; passwordCost?: Argon2Cost; cacheCheckMs?: number } = {},
): Promise<TestPlatform> {
  const databaseUrl = p.services.config.DATABASE_URL;
  if (!databaseUrl) throw new Error("a test platform always names its database");
  return bootTestApp(p.dialect, databaseUrl, env, { ...opts, migrate: false, seed: false }, async () => {});
}

async function bootTestApp(
  dialect: DialectName,
  databaseUrl: string,
  env: Record<string, string>,
  opts: { clock?: Clock; passwordCost?: Argon2Cost; cacheCheckMs?: number; migrate?: boolean; seed?: boolean },
  cleanup: () => Promise<void>,
): Promise<TestPlatform> {
  const config = loadConfig({
    NODE_ENV: "test",
    APP_URL: "http://izyboost.test",
    SITES_DOMAIN: SITES,
    LOG_LEVEL: "silent",
    RATE_LIMIT_PER_MINUTE: "100000",
    LOGIN_RATE_LIMIT_PER_MINUTE: "100000",
    DATABASE_URL: databaseUrl,
    ...env,
  });
  let txt = NO_TXT;
  const platform = await bootPlatform(config, {
    clock: opts.clock,
    passwordCost: opts.passwordCost ?? TEST_PASSWORD_COST,
    dns: { resolveTxt: (name) => txt(name) },
    cacheCheckMs: opts.cacheCheckMs,
    migrate: opts.migrate,
    seed: opts.seed,
  });
  const close = platform.close;
  return {
    ...platform,
    dialect,
    ctx: (tenant) => systemCtx(platform.services, tenant),
    async request(path, init = {}) {
      const { host = "izyboost.test", token, json, ip, headers, ...rest } = init;
      const h = new Headers(headers);
      h.set("host", host);
      if (token) h.set("authorization", `Bearer ${token}`);
      let body = rest.body;
      if (json !== undefined) {
        h.set("content-type", "application/json");
        body = JSON.stringify(json);
      }
      return platform.app.request(`http://${host}${path}`, { ...rest, headers: h, body }, ip ? { clientIp: ip } : {});
    },
    answerTxt(answers) {
      txt = answers ?? NO_TXT;
    },
    async close() {
      await close();
      await cleanup();
    },
  };
}

let seq = 0;
export function uniqueName(prefix = "u"): string {
  return `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}${randomBytes(2).toString("hex")}`;
}

/** Registers a platform (or site) user through the API and returns its token. */
export async function signUp(p: TestPlatform, opts: { host?: string; referral_code?: string; ip?: string } = {}) {
  const username = uniqueName();
  const res = await p.request("/api/register", {
    method: "POST",
    host: opts.host,
    ip: opts.ip,
    json: { username, email: `${username}@example.com`, password: "correct-horse-9", referral_code: opts.referral_code },
  });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { data: { token: string; user: { id: number; username: string; email: string; referral_code: string } } };
  return { token: body.data.token, user: body.data.user, password: "correct-horse-9" };
}

/**
 * A platform user promoted to admin directly in the database (there is no public way to become one);
 * its address counts as verified, like the operator-made demo admin's.
 */
export async function signUpAdmin(p: TestPlatform) {
  const u = await signUp(p);
  await p.services.db.updateTable("users").set({ role: "admin", email_verified_at: "2026-01-01 00:00:00.000" }).where("id", "=", u.user.id).execute();
  return u;
}

/** Marks a user's address verified in the database, for tests about what verified accounts receive (the link itself is tested in test/auth). */
export async function markEmailVerified(p: Pick<TestPlatform, "services">, userId: number): Promise<void> {
  await p.services.db.updateTable("users").set({ email_verified_at: "2026-01-01 00:00:00.000" }).where("id", "=", userId).execute();
}

/** The parsed JSON body of a response, untyped for assertions. */
export async function body(res: Response): Promise<any> {
  return res.json();
}

/**
 * The same Redis with a database number of the dialect's own (SQLite's as given, MariaDB's 8 above):
 * CI runs the two suites at once, and their counters and keys must never meet.
 */
export function redisForDialect(url: string, dialect: DialectName): string {
  const u = new URL(url);
  const db = Number(u.pathname.slice(1) || 0);
  u.pathname = `/${dialect === "mysql" ? db + 8 : db}`;
  return u.toString();
}

/** Whether something listens at a Redis URL's host and port (Redis suites skip, with the reason, when not). */
export async function redisAnswers(url: string): Promise<boolean> {
  const { createConnection } = await import("node:net");
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = createConnection({ host: u.hostname, port: Number(u.port || 6379) }, () => {
      s.end();
      resolve(true);
    });
    s.on("error", () => resolve(false));
  });
}
