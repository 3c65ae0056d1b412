// `npm run bench`: requests/s and latency of the hot paths, each server in its own process, each beside
// its same-bytes ceiling (bench/ceiling.ts). BENCH_PROFILE=1 runs the app under --cpu-prof and prints
// where each scenario's time went (bench/profile.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { createConnection } from "mysql2/promise";
import type { CapturedResponse } from "./ceiling.ts";
import { monotonicMicros, summarizeProfile, type Window } from "./profile.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 50;
const PROFILE = process.env.BENCH_PROFILE === "1";

interface Target {
  url: string;
  tokens?: string[];
  serviceId?: number;
  orders?: number;
  siteHost?: string;
  platformHost?: string;
}

async function startTarget(
  mode: string,
  dialect: string,
  env: Record<string, string> = {},
  profileDir?: string,
): Promise<{ target: Target; child: ChildProcess }> {
  const flags = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...flags, `${here}server.ts`, mode, dialect], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  return { target: await firstLine<Target>(child), child };
}

async function firstLine<T>(child: ChildProcess): Promise<T> {
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return JSON.parse(line) as T;
}

async function stopTarget(child: ChildProcess) {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

interface Row {
  scenario: string;
  dialect: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** The server process's CPU time per request (µs), from /proc: steadier than req/s on a shared machine. */
  cpuUs?: number;
  /** The same bytes and headers from a bare Hono app (bench/ceiling.ts), when measured. */
  ceilingRps?: number;
  ceilingCpuUs?: number;
  /** The profile window of this scenario (BENCH_PROFILE=1). */
  window?: Window;
}

const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, "i") : null;

/** One request as a scenario's first client sends it: what the ceiling's captured response comes from. */
interface Probe {
  url: string;
  method?: string;
  headers: Record<string, string>;
  body?: string;
}

/** One real response of the scenario: status, headers (not the per-connection ones) and body. */
function capture(probe: Probe): Promise<CapturedResponse> {
  const HOP = new Set(["connection", "keep-alive", "transfer-encoding", "date", "content-length"]);
  return new Promise((resolve, reject) => {
    const req = request(probe.url, { method: probe.method ?? "GET", headers: probe.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const headers: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2)
          if (!HOP.has(res.rawHeaders[i]!.toLowerCase())) headers.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString("base64") });
      });
    });
    req.on("error", reject);
    req.end(probe.body);
  });
}

const TICK_US = 1_000_000 / 100;

/** User + system CPU time of a process so far, in microseconds (Linux; 0 elsewhere). */
function cpuMicros(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_US;
  } catch {
    return 0;
  }
}

/** Runs the load and measures the server's CPU per request meanwhile. */
async function measure(pid: number | undefined, opts: autocannon.Options) {
  const before = cpuMicros(pid);
  const r = await autocannon({ connections: CONNECTIONS, duration: DURATION, ...opts });
  const used = cpuMicros(pid) - before;
  return { r, cpuUs: used > 0 && r.requests.total > 0 ? used / r.requests.total : undefined };
}

/** Loads a bare Hono app that answers the scenario's captured response, in its own process. */
async function ceiling(probe: Probe, opts: autocannon.Options): Promise<{ rps: number; cpuUs?: number }> {
  const dir = mkdtempSync(join(tmpdir(), "izy-ceiling-"));
  try {
    const file = join(dir, "response.json");
    writeFileSync(file, JSON.stringify(await capture(probe)));
    const child = spawn(process.execPath, [`${here}ceiling.ts`, file], { stdio: ["ignore", "pipe", "inherit"] });
    const { url } = await firstLine<{ url: string }>(child);
    const path = new URL(probe.url);
    const { r, cpuUs } = await measure(child.pid, { ...opts, url: `${url}${path.pathname}${path.search}` });
    await stopTarget(child);
    return { rps: Math.round(r.requests.average), cpuUs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function load(scenario: string, dialect: string, opts: autocannon.Options, target?: { pid?: number; probe?: Probe }): Promise<Row> {
  if (ONLY && !ONLY.test(scenario) && !scenario.startsWith("hello")) return { scenario, dialect, rps: 0, p50: 0, p99: 0, errors: 0, non2xx: 0 };
  // The ceiling first: capturing the response also warms the app's caches, as a running server's are.
  const ceil = target?.probe ? await ceiling(target.probe, opts) : undefined;
  process.stderr.write(`  ${scenario} [${dialect}] for ${DURATION}s…\n`);
  const from = monotonicMicros();
  const { r, cpuUs } = await measure(target?.pid, opts);
  const window = { from, to: monotonicMicros() };
  return {
    scenario,
    dialect,
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    cpuUs,
    ceilingRps: ceil?.rps,
    ceilingCpuUs: ceil?.cpuUs,
    window,
  };
}

async function mysqlAvailable(): Promise<boolean> {
  try {
    const c = await createConnection(process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306");
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/** The top frames of each scenario's window, from the target's profile (BENCH_PROFILE=1). */
function printProfile(dir: string, rows: Row[]) {
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) return process.stderr.write(`  no profile written in ${dir}\n`);
  for (const r of rows) {
    if (!r.window || r.rps === 0) continue;
    console.log(`\nProfile: ${r.scenario} [${r.dialect}]`);
    console.log(summarizeProfile(join(dir, file), r.window));
  }
}

async function main() {
  const rows: Row[] = [];
  const mysqlOk = await mysqlAvailable();
  const hello = await startTarget("hello", "none");
  rows.push(await load("hello world (bare Hono)", "-", { url: hello.target.url }, { pid: hello.child.pid }));
  await stopTarget(hello.child);

  const dialects = (process.env.BENCH_DIALECTS ?? "sqlite,mysql").split(",").filter((d) => d !== "" && (d !== "mysql" || mysqlOk));
  // The simulated upstream provider in its own process, like a real remote panel.
  const provider = spawn(process.execPath, [`${here}../src/provider-sim/main.ts`], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, PORT: "0", SIM_BALANCE: "100000000" },
  });
  const providerUrl = await new Promise<string>((resolve) => {
    const rl = createInterface({ input: provider.stdout! });
    rl.on("line", (l) => {
      const m = /API URL: (\S+)/.exec(l);
      if (m) resolve(m[1]!);
    });
  });
  for (const dialect of dialects) {
    const profileDir = PROFILE ? mkdtempSync(join(tmpdir(), "izy-profile-")) : undefined;
    const { target, child } = await startTarget("platform", dialect, { BENCH_PROVIDER_URL: providerUrl }, profileDir);
    const host = target.platformHost!;
    const tokens = target.tokens!;
    const pid = child.pid;
    const measured: Row[] = [];
    const catalogue = `${target.url}/api/services?per_page=100`;
    measured.push(
      await load("GET /api/services (500 services)", dialect, { url: catalogue, headers: { host } }, { pid, probe: { url: catalogue, headers: { host } } }),
    );
    // Each client its own user (a Bearer token each): prices come from the cache of the prices that apply to them.
    let s = 0;
    measured.push(
      await load(
        "GET /api/services signed in (500 services)",
        dialect,
        { url: catalogue, setupClient: (client) => client.setHeaders({ host, authorization: `Bearer ${tokens[s++ % tokens.length]}` }) },
        { pid, probe: { url: catalogue, headers: { host, authorization: `Bearer ${tokens[0]}` } } },
      ),
    );
    const storefront = `${target.url}/services`;
    measured.push(
      await load(
        "storefront catalogue page (500 services)",
        dialect,
        { url: storefront, headers: { host: target.siteHost! } },
        { pid, probe: { url: storefront, headers: { host: target.siteHost! } } },
      ),
    );
    let i = 0;
    const order = JSON.stringify({ service_id: target.serviceId, link: "https://instagram.com/bench", quantity: 1000 });
    measured.push(
      await load(
        "POST /api/user/orders",
        dialect,
        {
          url: `${target.url}/api/user/orders`,
          method: "POST",
          setupClient: (client) => {
            const token = tokens[i++ % tokens.length]!;
            client.setHeadersAndBody({ host, "content-type": "application/json", authorization: `Bearer ${token}` }, order);
          },
        },
        {
          pid,
          probe: {
            url: `${target.url}/api/user/orders`,
            method: "POST",
            headers: { host, "content-type": "application/json", authorization: `Bearer ${tokens[0]}` },
            body: order,
          },
        },
      ),
    );
    await stopTarget(child);
    rows.push(...measured);
    if (profileDir) {
      printProfile(profileDir, measured);
      rmSync(profileDir, { recursive: true, force: true });
    }
  }

  // The admin console's reads over a large order table (MariaDB only; BENCH_ORDERS sets the size).
  if (mysqlOk && (!ONLY || ONLY.test("admin"))) {
    const { target, child } = await startTarget("admin", "mysql", { BENCH_PROVIDER_URL: providerUrl });
    const headers = { host: target.platformHost!, authorization: `Bearer ${target.tokens![0]}` };
    const size = `${Number(target.orders).toLocaleString("en")} orders`;
    // Latency as one admin sees it: a few clients, not a crowd.
    const admin = { connections: 2, headers };
    rows.push(await load(`GET /api/admin/dashboard (${size})`, "mysql", { url: `${target.url}/api/admin/dashboard`, ...admin }, { pid: child.pid }));
    rows.push(await load(`GET /api/admin/orders first page (${size})`, "mysql", { url: `${target.url}/api/admin/orders`, ...admin }, { pid: child.pid }));
    rows.push(
      await load(
        `GET /api/admin/orders?status=partial (${size})`,
        "mysql",
        { url: `${target.url}/api/admin/orders?status=partial&page=3`, ...admin },
        { pid: child.pid },
      ),
    );
    await stopTarget(child);
  }

  await stopTarget(provider);
  const helloRps = rows[0]!.rps;
  const us = (n?: number) => (n ? n.toFixed(0) : "-");
  console.log(
    "\n| scenario | db | req/s | same-bytes ceiling req/s | % of ceiling | server CPU µs/req | ceiling CPU µs/req | CPU: ceiling/server | p50 ms | p99 ms | % of hello | errors | non-2xx |",
  );
  console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    const ceil = r.ceilingRps ? `${r.ceilingRps} | ${Math.round((r.rps / r.ceilingRps) * 100)}%` : "- | -";
    const cpu = `${us(r.cpuUs)} | ${us(r.ceilingCpuUs)} | ${r.cpuUs && r.ceilingCpuUs ? `${Math.round((r.ceilingCpuUs / r.cpuUs) * 100)}%` : "-"}`;
    console.log(
      `| ${r.scenario} | ${r.dialect} | ${r.rps} | ${ceil} | ${cpu} | ${r.p50} | ${r.p99} | ${Math.round((r.rps / helloRps) * 100)}% | ${r.errors} | ${r.non2xx} |`,
    );
  }
  console.log(`\n${CONNECTIONS} concurrent connections, ${DURATION}s per scenario, node ${process.version}.`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
