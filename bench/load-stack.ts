// The processes of `npm run bench:load`: the simulated provider, two app instances (`node src/main.ts`
// in production mode), Caddy in front of them, and the database they share. Each piece can be stopped.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createConnection } from "mysql2/promise";
import { freePort, listening } from "../test/harness/ports.ts";
import { caddyfile, plainCaddyfile } from "../test/harness/caddy.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

export const PLATFORM_HOST = "izyboost.bench";
export const SITES_DOMAIN = "sites.bench";

/** Resolves with the first stdout line that matches, or fails when the process exits first. */
function lineFrom(child: ChildProcess, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.on("line", (l) => {
      const m = pattern.exec(l);
      if (m) resolve(m);
    });
    child.once("exit", (code) => reject(new Error(`${what} exited with ${code} before it was ready`)));
  });
}

export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(kill);
}

export interface Database {
  url: string;
  describe: string;
  drop(): Promise<void>;
}

/** A fresh MariaDB database with a random name (dropped afterwards), or a SQLite file in a temp dir. */
export async function createDatabase(dialect: "mysql" | "sqlite"): Promise<Database> {
  if (dialect === "mysql") {
    const server = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
    const name = `izy_load_${randomBytes(4).toString("hex")}`;
    const c = await createConnection(server);
    await c.query(`CREATE DATABASE \`${name}\``);
    await c.end();
    return {
      url: `${server}/${name}`,
      describe: `MariaDB database ${name}`,
      async drop() {
        const d = await createConnection(server);
        await d.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await d.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "izy-load-db-"));
  return { url: `sqlite:${join(dir, "load.db")}`, describe: `SQLite file ${dir}/load.db`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Provider {
  url: string;
  apiKey: string;
  child: ChildProcess;
}

/** The simulated upstream panel in its own process, as a remote provider would be. */
export async function startProvider(): Promise<Provider> {
  const apiKey = `sim_${randomBytes(8).toString("hex")}`;
  const child = spawn(process.execPath, [join(root, "src/provider-sim/main.ts")], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, PORT: "0", SIM_API_KEY: apiKey, SIM_BALANCE: "100000000" },
  });
  const m = await lineFrom(child, /API URL: (\S+)/, "the simulated provider");
  return { url: m[1]!, apiKey, child };
}

/** What every instance (and the seeding step) is started with: production, as docker-compose.yml has it. */
export function instanceEnv(o: { databaseUrl: string; redisUrl: string; provider: Provider; dataDir: string; dataKey: string; sqlite: boolean }) {
  return {
    NODE_ENV: "production",
    APP_URL: `https://${PLATFORM_HOST}`,
    SITES_DOMAIN,
    DATABASE_URL: o.databaseUrl,
    DATA_DIR: o.dataDir,
    REDIS_URL: o.redisUrl,
    // SQLite is refused for more than one instance (src/config/production.ts): the --sqlite run declares one each.
    INSTANCES: o.sqlite ? "1" : "2",
    DATA_ENCRYPTION_KEY: o.dataKey,
    TRUSTED_PROXIES: "127.0.0.1",
    // Nothing listens there: a mail the load would cause is logged as failed, never sent.
    MAIL_HOST: "127.0.0.1",
    MAIL_PORT: "9",
    SMM_API_URL: o.provider.url,
    SMM_API_KEY: o.provider.apiKey,
    // The simulator listens on loopback, which production refuses for providers unless told.
    PROVIDER_ALLOW_PRIVATE_URLS: "true",
    // All the load comes from one address (127.0.0.1 through Caddy): the per-address limit would answer 429.
    RATE_LIMIT_PER_MINUTE: "100000000",
    SCHEDULER: "on",
    LOG_LEVEL: "error",
    SHUTDOWN_TIMEOUT_MS: "5000",
  };
}

export interface Instance {
  name: string;
  port: number;
  child: ChildProcess;
  /** Resident memory in MiB, read from /proc (null where there is none). */
  rssMiB(): number | null;
}

/** One `node src/main.ts`, ready once it prints its "running" line. */
export async function startInstance(name: string, env: Record<string, string>, spawned: (child: ChildProcess) => void): Promise<Instance> {
  const port = await freePort();
  // BENCH_LOAD_CPU_PROF=<dir>: each instance writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_LOAD_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_LOAD_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, join(root, "src/main.ts")], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env, PORT: String(port), HOST: "127.0.0.1" },
  });
  spawned(child);
  await lineFrom(child, /IzyBoost is running on/, name);
  return {
    name,
    port,
    child,
    rssMiB() {
      try {
        const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1];
        return kb ? Math.round(Number(kb) / 1024) : null;
      } catch {
        return null;
      }
    },
  };
}

export interface Caddy {
  httpsPort: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Caddy on loopback as `caddyfile` has it, or with `host`, as `plainCaddyfile` has it. */
export async function startCaddy(upstreams: number[], opts: { host?: string } = {}): Promise<Caddy> {
  const bin = process.env.CADDY_BIN ?? "caddy";
  const dir = mkdtempSync(join(tmpdir(), "izy-load-caddy-"));
  const httpsPort = await freePort();
  const file = join(dir, "Caddyfile");
  const httpPort = await freePort();
  writeFileSync(
    file,
    opts.host
      ? plainCaddyfile({ dir, httpPort, httpsPort, host: opts.host, upstreams })
      : caddyfile({ dir, httpPort, httpsPort, askPort: await freePort(), upstreams, platformHost: PLATFORM_HOST }),
  );
  // Caddy's own data and config under the temp dir, never the user's.
  const child = spawn(bin, ["run", "--config", file, "--adapter", "caddyfile"], {
    env: { PATH: process.env.PATH ?? "", HOME: dir, XDG_DATA_HOME: join(dir, "data"), XDG_CONFIG_HOME: join(dir, "config") },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`Caddy exited with ${code}:\n${stderr}`))));
  exited.catch(() => {});
  try {
    await Promise.race([listening(httpsPort, 15_000), exited]);
  } catch (err) {
    await stopProcess(child, 3_000);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    httpsPort,
    child,
    async stop() {
      await stopProcess(child, 3_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
