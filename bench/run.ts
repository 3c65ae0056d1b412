// `npm run bench`: requests/s and latency of the hot paths, each server in its own process.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { createConnection } from "mysql2/promise";

const here = fileURLToPath(new URL(".", import.meta.url));
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 50;

interface Target {
  url: string;
  tokens?: string[];
  serviceId?: number;
  orders?: number;
  siteHost?: string;
  platformHost?: string;
}

async function startTarget(mode: string, dialect: string, env: Record<string, string> = {}): Promise<{ target: Target; child: ChildProcess }> {
  const child = spawn(process.execPath, [`${here}server.ts`, mode, dialect], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ...env } });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { target: JSON.parse(line) as Target, child };
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
}

const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, "i") : null;

async function load(scenario: string, dialect: string, opts: autocannon.Options): Promise<Row> {
  if (ONLY && !ONLY.test(scenario) && !scenario.startsWith("hello")) return { scenario, dialect, rps: 0, p50: 0, p99: 0, errors: 0, non2xx: 0 };
  process.stderr.write(`  ${scenario} [${dialect}] for ${DURATION}s…\n`);
  const r = await autocannon({ connections: CONNECTIONS, duration: DURATION, ...opts });
  return { scenario, dialect, rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx };
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

async function main() {
  const rows: Row[] = [];
  const mysqlOk = await mysqlAvailable();
  const hello = await startTarget("hello", "none");
  rows.push(await load("hello world (bare Hono)", "-", { url: hello.target.url }));
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
    const { target, child } = await startTarget("platform", dialect, { BENCH_PROVIDER_URL: providerUrl });
    const host = target.platformHost!;
    rows.push(await load("GET /api/services (500 services)", dialect, { url: `${target.url}/api/services?per_page=100`, headers: { host } }));
    rows.push(await load("storefront catalogue page (500 services)", dialect, { url: `${target.url}/services`, headers: { host: target.siteHost! } }));
    let i = 0;
    rows.push(
      await load("POST /api/user/orders", dialect, {
        url: `${target.url}/api/user/orders`,
        method: "POST",
        setupClient: (client) => {
          const token = target.tokens![i++ % target.tokens!.length]!;
          client.setHeadersAndBody(
            { host, "content-type": "application/json", authorization: `Bearer ${token}` },
            JSON.stringify({ service_id: target.serviceId, link: "https://instagram.com/bench", quantity: 1000 }),
          );
        },
      }),
    );
    await stopTarget(child);
  }

  // The admin console's reads over a large order table (MariaDB only; BENCH_ORDERS sets the size).
  if (mysqlOk && (!ONLY || ONLY.test("admin"))) {
    const { target, child } = await startTarget("admin", "mysql", { BENCH_PROVIDER_URL: providerUrl });
    const headers = { host: target.platformHost!, authorization: `Bearer ${target.tokens![0]}` };
    const size = `${Number(target.orders).toLocaleString("en")} orders`;
    // Latency as one admin sees it: a few clients, not a crowd.
    const admin = { connections: 2, headers };
    rows.push(await load(`GET /api/admin/dashboard (${size})`, "mysql", { url: `${target.url}/api/admin/dashboard`, ...admin }));
    rows.push(await load(`GET /api/admin/orders first page (${size})`, "mysql", { url: `${target.url}/api/admin/orders`, ...admin }));
    rows.push(await load(`GET /api/admin/orders?status=partial (${size})`, "mysql", { url: `${target.url}/api/admin/orders?status=partial&page=3`, ...admin }));
    await stopTarget(child);
  }

  await stopTarget(provider);
  const helloRps = rows[0]!.rps;
  console.log("\n| scenario | db | req/s | p50 ms | p99 ms | % of hello | errors | non-2xx |");
  console.log("|---|---|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(`| ${r.scenario} | ${r.dialect} | ${r.rps} | ${r.p50} | ${r.p99} | ${Math.round((r.rps / helloRps) * 100)}% | ${r.errors} | ${r.non2xx} |`);
  }
  console.log(`\n${CONNECTIONS} concurrent connections, ${DURATION}s per scenario, node ${process.version}.`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
