import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import { startChild, tempDir, until, type Child } from "./processes.ts";
import { freePort } from "../harness/ports.ts";

/**
 * The suite's own MariaDB and Redis, never the shared ones: it kills and restarts them. MariaDB runs
 * from a datadir made by mariadb-install-db in a temporary directory, on its own port and socket,
 * with InnoDB's default durability (a commit is on disk before it is acknowledged), so a kill -9
 * loses no committed order.
 */
export interface OwnMariadb {
  port: number;
  /** root over TCP, no database. */
  rootUrl: string;
  /** The app's user (no SUPER: `read_only` refuses its writes) on `database`. */
  appUrl: string;
  query(sql: string, params?: unknown[]): Promise<unknown[]>;
  /** kill -9 (or SIGTERM) and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  setReadOnly(on: boolean): Promise<void>;
}

export async function startOwnMariadb(database: string): Promise<OwnMariadb> {
  const dir = tempDir("mariadb");
  const datadir = join(dir, "data");
  execFileSync("mariadb-install-db", ["--no-defaults", `--datadir=${datadir}`, "--user=root", "--auth-root-authentication-method=normal", "--skip-test-db"], {
    stdio: "ignore",
  });
  const port = await freePort();
  const rootUrl = `mysql://root@127.0.0.1:${port}`;
  let child: Child | null = null;
  const start = async () => {
    child = startChild(
      "mariadbd",
      [
        "--no-defaults",
        `--datadir=${datadir}`,
        `--socket=${join(dir, "mariadb.sock")}`,
        `--port=${port}`,
        "--bind-address=127.0.0.1",
        "--user=root",
        `--pid-file=${join(dir, "mariadb.pid")}`,
        "--innodb-buffer-pool-size=64M",
        "--skip-log-bin",
        "--max-connections=300",
        // SET GLOBAL read_only waits for writes in flight; one stuck behind its lock gives up in 5 s, not 50.
        "--innodb-lock-wait-timeout=5",
      ],
      { logFile: join(dir, "mariadb.log") },
    );
    await until(
      "MariaDB to accept connections",
      async () => {
        const c = await createConnection(rootUrl);
        await c.end();
        return true;
      },
      60_000,
      100,
    );
  };
  const query = async (sql: string, params: unknown[] = []) => {
    const c = await createConnection(rootUrl);
    try {
      const [rows] = await c.query(sql, params);
      return rows as unknown[];
    } finally {
      await c.end();
    }
  };
  await start();
  await query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await query("CREATE USER 'izyapp'@'%' IDENTIFIED BY 'app-password-rel'");
  await query(`GRANT ALL PRIVILEGES ON \`${database}\`.* TO 'izyapp'@'%'`);
  return {
    port,
    rootUrl,
    appUrl: `mysql://izyapp:app-password-rel@127.0.0.1:${port}/${database}`,
    query,
    async stop(signal = "SIGKILL") {
      await child?.stop(signal);
      child = null;
    },
    start,
    async setReadOnly(on) {
      await query(`SET GLOBAL read_only = ${on ? "ON" : "OFF"}`);
    },
  };
}

export interface OwnRedis {
  url: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
}

/** A redis-server on a free loopback port, nothing saved to disk. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const dir = tempDir("redis");
  const port = await freePort();
  let child: Child | null = null;
  const start = async () => {
    child = startChild("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
      logFile: join(dir, "redis.log"),
    });
    await child.waitFor(/Ready to accept connections/, 20_000);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    async stop(signal = "SIGKILL") {
      await child?.stop(signal);
      child = null;
    },
    start,
  };
}
