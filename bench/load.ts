// `npm run bench:load`: mixed traffic over many white-label sites, on two production instances behind
// Caddy, beside the bare Hono hello-world; then the ledger invariant and the orders checked.
// BENCH_LOAD_SMOKE=1: a short run for CI that exits non-zero on any failed request or broken check.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../src/config/config.ts";
import { checkAfterRun, type AfterRun } from "./load-checks.ts";
import { seedWorld } from "./load-seed.ts";
import { createDatabase, instanceEnv, SITES_DOMAIN, startCaddy, startInstance, startProvider, stopProcess, type Caddy, type Instance } from "./load-stack.ts";
import { kindsOf, runKind, runPlain, type KindResult } from "./load-traffic.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const SMOKE = process.env.BENCH_LOAD_SMOKE === "1";
const DIALECT = process.argv.includes("--sqlite") ? "sqlite" : "mysql";
const SITES = Number(process.env.BENCH_LOAD_SITES ?? (SMOKE ? 10 : 100));
const SECONDS = Number(process.env.BENCH_SECONDS ?? (SMOKE ? 4 : 10));
/** Split evenly over the four kinds of the mixed phase; the hello-world and floor phases use them all. */
const CONNECTIONS = Number(process.env.BENCH_LOAD_CONNECTIONS ?? 48);
const PER_KIND = Math.max(1, Math.floor(CONNECTIONS / 4));
/** A regular expression: only the kinds of the mixed phase whose name matches (to look at one alone). */
const ONLY = process.env.BENCH_LOAD_ONLY ? new RegExp(process.env.BENCH_LOAD_ONLY, "i") : null;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/13";

const began = Date.now();
const say = (line: string) => process.stderr.write(`[load ${((Date.now() - began) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);

/** One HTTPS GET through Caddy with this SNI and Host: the first one makes Caddy issue the host's certificate. */
function getThrough(port: number, host: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, servername: host, headers: { host }, rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`timeout on https://${host}${path}`)));
    req.on("error", reject);
    req.end();
  });
}

async function startHello(): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(here, "server.ts"), "hello"], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`hello server exited with ${code}`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, stop: () => stopProcess(child) };
}

function printReport(rows: KindResult[], after: AfterRun, rss: string[], seeded: { sites: number; services: number }) {
  console.log("\n| kind | req/s | p50 ms | p99 ms | requests | errors | non-2xx | refused |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) console.log(`| ${r.kind} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.requests} | ${r.errors} | ${r.non2xx} | ${r.refused} |`);
  console.log(
    `\n${seeded.sites} sites, ${seeded.services} services, ${DIALECT === "mysql" ? "MariaDB" : "SQLite"}, two instances behind Caddy (HTTPS, tls internal);` +
      ` ${SECONDS}s per phase, ${CONNECTIONS} connections (mixed phase: ${PER_KIND} per kind), node ${process.version}.`,
  );
  console.log(`Ledger invariant: ${after.ledgerViolations === 0 ? "holds" : `${after.ledgerViolations} users off`}.`);
  console.log(
    `Orders: ${after.answered} answered (${after.unanswered} more sent, cut at the end), ${after.inDatabase} written, ${after.missing} missing, ${after.answeredTwice} answered twice, ${after.brokenChains} broken chains.`,
  );
  if (rss.length) console.log(`RSS after the run: ${rss.join(", ")}.`);
}

async function main() {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch((err) => say(`while stopping: ${err}`));
  };
  let failed = false;
  try {
    const database = await createDatabase(DIALECT);
    stops.push(() => database.drop());
    const dataDir = mkdtempSync(join(tmpdir(), "izy-load-data-"));
    stops.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const provider = await startProvider();
    stops.push(() => stopProcess(provider.child));
    say(`${database.describe}; provider ${provider.url}; Redis ${REDIS_URL}`);

    const env = instanceEnv({
      databaseUrl: database.url,
      redisUrl: REDIS_URL,
      provider,
      dataDir,
      dataKey: randomBytes(32).toString("base64"),
      sqlite: DIALECT === "sqlite",
    });
    const seed = await seedWorld(loadConfig({ ...env, SCHEDULER: "off", LOG_LEVEL: "error" }), SITES, say);
    const seededOrders = seed.sites.reduce((n, s) => n + s.orders.length, 0);
    say(`seeded ${seed.sites.length} sites, ${seed.services} services, ${seededOrders} orders`);

    // Every instance is stopped at the end, even one whose partner failed to start.
    const children: ChildProcess[] = [];
    const stopInstances = async () => {
      await Promise.all(children.map((c) => stopProcess(c)));
    };
    stops.push(stopInstances);
    const start = (name: string) => startInstance(name, env, (child) => children.push(child));
    // Together on MariaDB, as compose starts them (the boot lock orders them); one after the other on SQLite, which has no boot lock between processes.
    const instances: Instance[] = DIALECT === "mysql" ? await Promise.all([start("app1"), start("app2")]) : [await start("app1"), await start("app2")];
    const caddy: Caddy = await startCaddy(instances.map((i) => i.port));
    stops.push(() => caddy.stop());
    say(`app1 :${instances[0]!.port}, app2 :${instances[1]!.port}, Caddy https :${caddy.httpsPort}`);

    const rows: KindResult[] = [];
    const hello = await startHello();
    say(`bare Hono hello-world, direct, ${SECONDS}s…`);
    rows.push(await runPlain("bare Hono hello-world (direct, alone)", { url: hello.url, connections: CONNECTIONS, seconds: SECONDS }));
    if (!SMOKE) {
      const helloHost = "hello.bench";
      const front = await startCaddy([Number(new URL(hello.url).port)], { host: helloHost });
      await getThrough(front.httpsPort, helloHost, "/");
      say(`bare Hono hello-world through Caddy, ${SECONDS}s…`);
      rows.push(
        await runPlain("bare Hono hello-world through Caddy (alone)", {
          url: `https://127.0.0.1:${front.httpsPort}/`,
          servername: helloHost,
          connections: CONNECTIONS,
          seconds: SECONDS,
        }),
      );
      await front.stop();
    }
    await hello.stop();

    // One SNI per kind (the first sites' hosts); each request names its own site in Host. The first visit issues the certificate.
    const placed: string[] = [];
    const allKinds = kindsOf(seed, placed);
    const kinds = allKinds.filter((k) => !ONLY || ONLY.test(k.kind));
    for (const host of new Set(allKinds.map((k) => k.sni))) {
      const status = await getThrough(caddy.httpsPort, host, "/healthz");
      if (status !== 200) throw new Error(`https://${host}/healthz through Caddy answered ${status}`);
    }
    const url = `https://127.0.0.1:${caddy.httpsPort}`;
    say(`GET /healthz through Caddy, alone, ${SECONDS}s…`);
    rows.push(
      await runPlain("GET /healthz through Caddy (alone)", { url: `${url}/healthz`, servername: allKinds[0]!.sni, connections: CONNECTIONS, seconds: SECONDS }),
    );

    say(`mixed traffic over ${seed.sites.length} sites: ${kinds.map((k) => k.kind).join(", ")} — ${SECONDS}s…`);
    const ticker = setInterval(() => say(`  … ${placed.length} orders placed so far`), 5_000);
    const mixed = await Promise.all(kinds.map((k) => runKind(k, { url, connections: PER_KIND, seconds: SECONDS })));
    clearInterval(ticker);
    rows.push(...mixed.map((r) => ({ ...r, kind: `${r.kind} (mixed)` })));
    for (const r of mixed) for (const s of r.samples) say(`  ${r.kind} refused: ${s}`);

    const rss = instances.map((i) => `${i.name} ${i.rssMiB() ?? "?"} MiB`);
    // Requests cut at the end of the phase may still run on an instance: let them finish before it stops.
    await new Promise((r) => setTimeout(r, 2_000));
    say("stopping the instances and Caddy, then checking the database…");
    await stopInstances();
    await caddy.stop();
    const unanswered = mixed.find((r) => r.kind.startsWith("order"))?.unanswered ?? 0;
    const after = await checkAfterRun({ databaseUrl: database.url, dataDir, sitesDomain: SITES_DOMAIN, placed, seeded: seededOrders, unanswered });
    printReport(rows, after, rss, { sites: seed.sites.length, services: seed.services });

    const failures = rows
      .filter((r) => r.errors > 0 || r.non2xx > 0 || r.refused > 0)
      .map((r) => `${r.kind}: ${r.errors} errors, ${r.non2xx} non-2xx, ${r.refused} refused`);
    failures.push(...after.problems);
    if (rows.some((r) => r.requests === 0)) failures.push("a phase answered no request");
    if (failures.length) {
      failed = true;
      console.log(`\nFAILED:\n${failures.map((f) => `  - ${f}`).join("\n")}`);
    }
  } catch (err) {
    failed = true;
    console.error(err);
  } finally {
    await stopAll();
  }
  say("done");
  process.exit(failed ? 1 : 0);
}

void main();
