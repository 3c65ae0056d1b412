import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Kysely, MysqlDialect, MysqlAdapter, type Dialect } from "kysely";
import { createPool } from "mysql2";
import { openSqlite } from "./sqlite-driver.ts";
import type { Database } from "./schema.ts";

export type DialectName = "sqlite" | "mysql";
export type Db = Kysely<Database>;

export interface DbHandle {
  db: Db;
  dialect: DialectName;
  /** Human-readable target without credentials, for logs. */
  describe: string;
  close(): Promise<void>;
}

export function dialectOf<DB>(db: Kysely<DB>): DialectName {
  return db.getExecutor().adapter instanceof MysqlAdapter ? "mysql" : "sqlite";
}

function mysqlDialect(url: string): Dialect {
  const u = new URL(url.replace(/^mariadb:/, "mysql:"));
  const pool = createPool({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.replace(/^\//, ""),
    connectionLimit: Number(u.searchParams.get("connectionLimit") ?? 20),
    // Dates come back as the same 'YYYY-MM-DD HH:MM:SS.sss' strings SQLite stores.
    dateStrings: true,
    timezone: "Z",
    decimalNumbers: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    charset: "utf8mb4",
  });
  pool.on("connection", (conn) => {
    conn.query("SET time_zone = '+00:00'");
  });
  return new MysqlDialect({ pool });
}

/**
 * The database holds password hashes, sessions and provider keys: a directory it creates is 0700 and
 * the file 0600 (an existing file too). SQLite gives its -wal and -shm files the database file's
 * mode when it creates them; existing ones are narrowed here as well. A directory that already
 * exists is left as it is (it may be shared).
 */
function ownerOnly(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, "a", 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, 0o600);
    } catch (err) {
      // Not there yet (created later with the file's mode), or another user's file: nothing to narrow.
      if (!["ENOENT", "EPERM"].includes((err as NodeJS.ErrnoException).code ?? "")) throw err;
    }
  }
}

/** The SQLite file that DATABASE_URL (`sqlite:/path`) or the embedded default under dataDir names. */
export function sqlitePath(opts: { url?: string; dataDir: string }): string {
  const path = opts.url?.startsWith("sqlite:") ? opts.url.slice("sqlite:".length) : resolve(opts.dataDir, "izyboost.db");
  return path === ":memory:" ? path : resolve(path);
}

/** Opens the database named by DATABASE_URL, or the embedded SQLite file under dataDir. */
export function openDatabase(opts: { url?: string; dataDir: string }): DbHandle {
  const url = opts.url;
  if (url && /^(mysql|mariadb):/.test(url)) {
    const u = new URL(url.replace(/^mariadb:/, "mysql:"));
    const db = new Kysely<Database>({ dialect: mysqlDialect(url) });
    return { db, dialect: "mysql", describe: `mysql://${u.hostname}:${u.port || 3306}${u.pathname}`, close: () => db.destroy() };
  }
  const path = sqlitePath(opts);
  if (path !== ":memory:") ownerOnly(path);
  const db = new Kysely<Database>({ dialect: openSqlite(path) });
  return { db, dialect: "sqlite", describe: `sqlite:${path}`, close: () => db.destroy() };
}
