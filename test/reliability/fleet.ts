import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { startChild, type Child } from "./processes.ts";
import { freePort } from "../harness/ports.ts";
import { httpRequest } from "./http.ts";

/** Where the app's entry points are: the worktree this suite runs in. */
const ROOT = new URL("../../", import.meta.url).pathname;

export const SIM_KEY = "reliability-sim-key-4f7c2a9e";

/** The project's simulated provider in its own process, on a fixed port so that it comes back at the same address. */
export interface ProviderProcess {
  url: string;
  admin: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  fault(spec: Record<string, unknown>): Promise<void>;
  clearFaults(): Promise<void>;
  /** Every order the panel took. */
  orders(): Promise<{ id: number; link: string; service: number; quantity: number }[]>;
}

export async function startProviderProcess(logDir: string): Promise<ProviderProcess> {
  const port = await freePort();
  let child: Child | null = null;
  const url = `http://127.0.0.1:${port}/api/v2`;
  const admin = `http://127.0.0.1:${port}/__sim`;
  const start = async () => {
    child = startChild(process.execPath, [join(ROOT, "src/provider-sim/main.ts")], {
      cwd: ROOT,
      env: { PORT: String(port), SIM_API_KEY: SIM_KEY, SIM_BALANCE: "100000000" },
      logFile: join(logDir, "provider.log"),
    });
    await child.waitFor(/API URL:/, 30_000);
  };
  await start();
  const adminCall = async (method: string, path: string, json?: unknown) => {
    const res = await httpRequest(`${admin}${path}`, { method, json });
    if (res.status >= 400) throw new Error(`simulator ${method} ${path}: ${res.status} ${res.text}`);
    return res;
  };
  return {
    url,
    admin,
    async stop(signal = "SIGKILL") {
      await child?.stop(signal);
      child = null;
    },
    start,
    async fault(spec) {
      await adminCall("POST", "/faults", spec);
    },
    async clearFaults() {
      await adminCall("DELETE", "/faults");
    },
    async orders() {
      return JSON.parse((await adminCall("GET", "/orders")).text);
    },
  };
}

export const PLATFORM_HOST = "izyboost.reliability.test";

/** What every instance shares: production, as src/config/production.ts requires it. */
export function productionEnv(opts: { databaseUrl: string; redisUrl: string; providerUrl: string; mailPort: number }): Record<string, string> {
  return {
    NODE_ENV: "production",
    APP_URL: `https://${PLATFORM_HOST}`,
    SITES_DOMAIN: "sites.reliability.test",
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: opts.redisUrl,
    INSTANCES: "2",
    MAIL_HOST: "127.0.0.1",
    MAIL_PORT: String(opts.mailPort),
    MAIL_ENCRYPTION: "none",
    DATA_ENCRYPTION_KEY: DATA_KEY,
    SMM_API_URL: opts.providerUrl,
    SMM_API_KEY: SIM_KEY,
    PROVIDER_ALLOW_PRIVATE_URLS: "true",
    PROVIDER_TIMEOUT_MS: "3000",
    RATE_LIMIT_PER_MINUTE: "1000000",
    LOGIN_RATE_LIMIT_PER_MINUTE: "1000000",
    SHUTDOWN_TIMEOUT_MS: "5000",
    LOG_LEVEL: "warn",
  };
}

/** One random key for the whole run: every instance and the seeding step must agree on it. */
const DATA_KEY = randomBytes(32).toString("base64");

/** An app instance: `node src/main.ts` in its own process. */
export interface Instance {
  name: string;
  url: string;
  start(): Promise<void>;
  /** kill -9 by default: no drain, no goodbye. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  running(): boolean;
}

export async function makeInstance(name: string, env: Record<string, string>, logDir: string): Promise<Instance> {
  const port = await freePort();
  let child: Child | null = null;
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    async start() {
      child = startChild(process.execPath, [join(ROOT, "src/main.ts")], {
        cwd: ROOT,
        env: { ...env, PORT: String(port), HOST: "127.0.0.1" },
        logFile: join(logDir, `${name}.log`),
      });
      await child.waitFor(/IzyBoost is running on/, 90_000);
    },
    async stop(signal = "SIGKILL") {
      await child?.stop(signal);
      child = null;
    },
    running: () => child !== null,
  };
}
