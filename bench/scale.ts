// `npm run bench:scale`: the scale figures of issue 15, each printed beside its aim. One app instance in
// this process (MariaDB unless BENCH_SCALE_DIALECT=sqlite), the simulated panel in its own process.
// BENCH_SCALE_SMALL=1 runs it with small sizes in seconds; BENCH_SYNC_ORDERS, BENCH_ORDERS and
// BENCH_SERVICES set the sizes; BENCH_ONLY=sync|admin|catalogue picks figures (memory is always printed).
// The set-up no instance does (the panel's orders, the bulk inserts) runs in a child process
// (bench/scale-fixtures.ts): the RSS printed is the instance's own (boot, syncs, admin reads, catalogue).
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createConnection } from "mysql2/promise";
import { bootBenchPlatform } from "./platform.ts";
import type { Db } from "../src/db/database.ts";
import { registerUser } from "../src/auth/service.ts";
import { createSession } from "../src/auth/session.ts";
import { systemCtx } from "../src/context.ts";
import { dbNow } from "../src/lib/time.ts";
import { syncOrderStatuses } from "../src/orders/sync.ts";
import { credit, ledgerViolations } from "../src/wallet/ledger.ts";
import type { FixtureSpec } from "./scale-fixtures.ts";
import { insertBenchCatalogue } from "./catalogue-data.ts";
import { timeRequests, type Timing } from "./scale-timing.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const SMALL = process.env.BENCH_SCALE_SMALL === "1";
const DIALECT = process.env.BENCH_SCALE_DIALECT === "sqlite" ? "sqlite" : "mysql";
const size = (name: string, small: number, full: number) => Number(process.env[name] ?? (SMALL ? small : full));
const SYNC_ORDERS = size("BENCH_SYNC_ORDERS", 2_000, 100_000);
const ADMIN_ORDERS = size("BENCH_ORDERS", 20_000, 1_000_000);
const SERVICES = size("BENCH_SERVICES", 300, 5_000);
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, "i") : null;
const wanted = (figure: string) => !ONLY || ONLY.test(figure);

interface Figure {
  what: string;
  figure: string;
  aim: string;
  met: boolean;
}
const figures: Figure[] = [];
const log = (line: string) => process.stderr.write(`  ${line}\n`);
const fmt = (n: number) => n.toLocaleString("en");

/** The simulated panel in its own process, as a remote panel would be. */
async function startPanel() {
  const child = spawn(process.execPath, [`${here}../src/provider-sim/main.ts`], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, PORT: "0", SIM_BALANCE: "1000000000" },
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (l) => {
      const m = /API URL: (\S+)/.exec(l);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`simulated panel exited with ${code}`)));
  });
  return {
    url,
    key: "sim-key",
    admin: url.replace(/\/api\/v2$/, "/__sim"),
    stop: () => new Promise((r) => (child.once("exit", r), child.kill("SIGTERM"))),
  };
}

/** Set-up work no instance does (bench/scale-fixtures.ts), in a process of its own: its memory is not the instance's. */
async function runFixture(spec: FixtureSpec): Promise<void> {
  const child = spawn(process.execPath, [`${here}scale-fixtures.ts`], { stdio: ["pipe", "inherit", "inherit"] });
  child.stdin!.end(JSON.stringify(spec));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`bench fixture ${spec.what} exited with ${code}`);
}

async function openBenchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (DIALECT === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "izy-scale-"));
    return { url: `sqlite:${join(dir, "scale.db")}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const server = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
  const name = `izy_scale_${randomBytes(4).toString("hex")}`;
  const c = await createConnection(server);
  await c.query(`CREATE DATABASE \`${name}\``);
  await c.end();
  return {
    url: `${server}/${name}`,
    drop: async () => {
      const d = await createConnection(server);
      await d.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await d.end();
    },
  };
}

async function main() {
  const database = await openBenchDatabase();
  const panel = await startPanel();
  const platform = await bootBenchPlatform({
    DATABASE_URL: database.url,
    LOG_LEVEL: "silent",
    SMM_API_URL: panel.url,
    SMM_API_KEY: panel.key,
    PROVIDER_ALLOW_PRIVATE_URLS: "true",
  });
  globalThis.gc?.();
  const bootRss = process.memoryUsage().rss / 2 ** 20;
  const ctx = systemCtx(platform.services);
  const db = platform.services.db;
  const app = platform.app;
  const now = dbNow();
  try {
    const listed = (await (await fetch(panel.url, { method: "POST", body: new URLSearchParams({ key: panel.key, action: "services" }) })).json()) as {
      service: number;
      type: string;
    }[];
    const panelService = listed.find((s) => s.type === "Default")!.service;
    let provider = await db.selectFrom("api_providers").select("id").executeTakeFirst();
    if (!provider) {
      const r = await db
        .insertInto("api_providers")
        .values({ name: "bench", url: panel.url, api_key: panel.key, currency: "USD", exchange_rate: 600_000_000, created_at: now, updated_at: now })
        .executeTakeFirstOrThrow();
      provider = { id: Number(r.insertId) };
    }
    const serviceIds = await insertServices(db, provider.id, panelService);
    const admin = await registerUser(ctx, { username: "benchadmin", email: "admin@example.com", password: "bench-password", welcome: false });
    await db.updateTable("users").set({ role: "admin" }).where("id", "=", admin.id).execute();
    const adminToken = (await createSession(ctx, admin.id)).token;
    const buyers: number[] = [];
    for (let i = 0; i < 100; i++)
      buyers.push((await registerUser(ctx, { username: `buyer${i}`, email: `buyer${i}@example.com`, password: "bench-password", welcome: false })).id);

    if (wanted("catalogue")) {
      const owner = await registerUser(ctx, { username: "reseller", email: "reseller@example.com", password: "bench-password", welcome: false });
      await db
        .insertInto("white_label_sites")
        .values({ uuid: randomUUID(), owner_id: owner.id, plan_id: 1, template_id: 1, name: "Bench Shop", slug: "shop", created_at: now, updated_at: now })
        .execute();
      const page = await timeRequests(app, "http://shop.sites.bench/services", {}, 30);
      const changed = () => platform.services.events.catalogChanged();
      const fresh = await timeRequests(app, "http://shop.sites.bench/services", {}, 10, changed);
      record(`storefront catalogue page, ${fmt(SERVICES)} services, rendered afresh after a catalogue change (server time)`, fresh, 20);
      record(`storefront catalogue page, ${fmt(SERVICES)} services, from the page cache (server time; first render ${ms(page.first)})`, page, 20);
      const api = await timeRequests(app, "http://izyboost.bench/api/services?per_page=100", {}, 30);
      record(`GET /api/services, ${fmt(SERVICES)} services (server time; first ${ms(api.first)})`, api, 20);
    }

    if (wanted("sync")) await statusSync(db, database.url, ctx, { ...panel, service: panelService }, provider.id, serviceIds[0]!, buyers);

    if (wanted("admin") && DIALECT === "mysql") {
      log(`writing ${fmt(ADMIN_ORDERS)} orders…`);
      const started = Date.now();
      await runFixture({ what: "admin-orders", databaseUrl: database.url, count: ADMIN_ORDERS, userIds: buyers, serviceIds, providerId: provider.id });
      log(`written in ${Math.round((Date.now() - started) / 1000)} s`);
      const total = Number(
        (
          await db
            .selectFrom("orders")
            .select((e) => e.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
      const bearer = { authorization: `Bearer ${adminToken}` };
      const cookie = { cookie: `izy_session=${adminToken}` };
      const size = `${fmt(total)} orders`;
      for (const [what, path, headers] of [
        ["GET /api/admin/dashboard", "/api/admin/dashboard", bearer],
        ["GET /api/admin/orders (first page)", "/api/admin/orders", bearer],
        ["GET /api/admin/orders?status=partial&page=3", "/api/admin/orders?status=partial&page=3", bearer],
        ["GET /api/admin/orders?search=bench/12345", "/api/admin/orders?search=bench%2F12345", bearer],
        ["console /admin", "/admin", cookie],
        ["console /admin/orders", "/admin/orders", cookie],
      ] as const) {
        // A search by a piece of the link scans the table: one warm request is enough to show it.
        const t = await timeRequests(app, `http://izyboost.bench${path}`, headers, path.includes("search") ? 1 : 5);
        record(`${what}, ${size} (first ${ms(t.first)})`, t, 200);
      }
    }

    globalThis.gc?.();
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    const mb = (b: number) => Math.round(b / 2 ** 20);
    const arenas = process.env.MALLOC_ARENA_MAX ? `, MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX}` : "";
    // Linux splits the RSS into anonymous memory (heaps, malloc) and pages of mapped files (node's own code).
    const status = readFileSync("/proc/self/status", "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
    const split = Number.isNaN(kb("RssAnon")) ? "" : `; anonymous ${Math.round(kb("RssAnon") / 1024)} MB, files ${Math.round(kb("RssFile") / 1024)} MB`;
    figures.push({
      what: `memory (RSS) of the instance after the load (${Math.round(bootRss)} MB right after boot; JS heap ${mb(heapUsed)} MB in use of ${mb(heapTotal)}, external ${mb(external)} MB of which array buffers ${mb(arrayBuffers)}${split}${arenas})`,
      figure: `${mb(rss)} MB`,
      aim: "< 300 MB",
      met: mb(rss) < 300,
    });
  } finally {
    await platform.close();
    await panel.stop();
    await database.drop();
  }

  console.log(`\n| figure | measured | aim | met |\n|---|---:|---:|---|`);
  for (const f of figures) console.log(`| ${f.what} | ${f.figure} | ${f.aim} | ${f.met ? "yes" : "**no**"} |`);
  console.log(`\n${DIALECT === "mysql" ? "MariaDB" : "SQLite"}, node ${process.version}${SMALL ? ", small sizes (BENCH_SCALE_SMALL=1)" : ""}.`);
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

/** A page's figure: the median of the warm requests, with the slowest beside it. */
function record(what: string, t: Timing, aimMs: number) {
  if (t.failed) {
    figures.push({ what, figure: `HTTP ${t.failed}`, aim: `< ${aimMs} ms`, met: false });
    return;
  }
  figures.push({ what, figure: `${ms(t.median)} (max ${ms(t.max)})`, aim: `< ${aimMs} ms`, met: t.median < aimMs });
}

/** SERVICES services over 20 categories, priced like a synced catalogue, all pointing to one panel service. */
async function insertServices(db: Db, providerId: number, panelService: number): Promise<number[]> {
  await insertBenchCatalogue(db, {
    providerId,
    services: SERVICES,
    categories: 20,
    label: "Scale",
    platform: (i) => (i % 2 ? "instagram" : "tiktok"),
    providerServiceId: (i) => (i === 0 ? String(panelService) : `${panelService}-${i}`),
    serviceName: (i) => `Scale service ${i} — followers ${["real", "fast", "premium", "cheap"][i % 4]}`,
  });
  return (await db.selectFrom("services").select("id").orderBy("id").execute()).map((s) => s.id);
}

/**
 * SYNC_ORDERS orders sent to the panel and still open here, then every one of them finished upstream
 * (the panel's clock moved past their run: most complete, some partial, some canceled): one status
 * sync run brings them all home, refunds included. The ledger invariant is checked after.
 */
async function statusSync(
  db: Db,
  databaseUrl: string,
  ctx: ReturnType<typeof systemCtx>,
  panel: { url: string; key: string; admin: string; service: number },
  providerId: number,
  serviceId: number,
  buyers: number[],
) {
  log(`placing ${fmt(SYNC_ORDERS)} orders on the panel…`);
  const charge = 1_000_000_000; // 1,000 XOF each, whole francs
  for (const userId of buyers) await credit(ctx, { userId, amount: charge * Math.ceil(SYNC_ORDERS / buyers.length) + 1_000_000_000, type: "adjustment" });
  await runFixture({
    what: "sync-orders",
    databaseUrl,
    panelAdmin: panel.admin,
    panelService: panel.service,
    count: SYNC_ORDERS,
    buyers,
    serviceId,
    providerId,
    charge,
  });
  // First every order starts upstream (status and remains move, no money), then every one finishes.
  await syncRun(db, ctx, panel, 2 * 60_000, "all started upstream");
  await syncRun(db, ctx, panel, 15 * 60_000, "all finished upstream");
}

/** Moves the panel's clock by `advanceMs`, then times one status sync run over every open order. */
async function syncRun(db: Db, ctx: ReturnType<typeof systemCtx>, panel: { admin: string }, advanceMs: number, what: string) {
  await fetch(`${panel.admin}/advance`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ms: advanceMs }) });
  log(`syncing ${fmt(SYNC_ORDERS)} open orders, ${what}…`);
  const started = performance.now();
  const summary = await syncOrderStatuses(ctx, { limitPerProvider: SYNC_ORDERS });
  const seconds = (performance.now() - started) / 1000;
  const open = Number(
    (
      await db
        .selectFrom("orders")
        .select((e) => e.fn.countAll<number>().as("n"))
        .where("status", "in", ["pending", "processing", "in_progress"])
        .executeTakeFirstOrThrow()
    ).n,
  );
  const violations = (await ledgerViolations({ db })).length;
  figures.push({
    what: `status sync of ${fmt(SYNC_ORDERS)} open orders, ${what} (${fmt(summary.calls)} provider calls, ${fmt(summary.changed)} changed, ${fmt(open)} still open, ledger ${violations ? `**${violations} violations**` : "holds"})`,
    figure: `${seconds.toFixed(1)} s`,
    aim: "< 60 s",
    met: seconds < 60 && violations === 0,
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
