// A benchmark target in its own process: `node bench/server.ts <hello|platform|admin> <sqlite|mysql>`.
// Prints one JSON line with what the load generator needs, then serves until SIGTERM.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { createConnection } from "mysql2/promise";
import { bootBenchPlatform } from "./platform.ts";
import { systemCtx } from "../src/context.ts";
import { registerUser } from "../src/auth/service.ts";
import { createSession } from "../src/auth/session.ts";
import { credit } from "../src/wallet/ledger.ts";
import { dbNow } from "../src/lib/time.ts";
import { startSimProvider } from "../src/provider-sim/server.ts";
import { insertBenchOrders } from "./orders-data.ts";
import { insertBenchCatalogue } from "./catalogue-data.ts";
import { settleDispatchKicks } from "../src/orders/dispatch.ts";
import { checkOrderRun } from "./scale-checks.ts";

const [mode = "hello", dialect = "sqlite"] = process.argv.slice(2);

function listen(fetch: (req: Request) => Response | Promise<Response>): Promise<{ url: string; close(): void }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
      resolve({ url: `http://127.0.0.1:${info.port}`, close: () => server.close() }),
    );
  });
}

async function main() {
  if (mode === "hello") {
    const app = new Hono();
    app.get("/", (c) => c.text("Hello Hono!"));
    const { url } = await listen(app.fetch);
    console.log(JSON.stringify({ url }));
    return;
  }

  let databaseUrl: string;
  let cleanup: () => Promise<void>;
  if (dialect === "mysql") {
    const name = `izy_bench_${randomBytes(4).toString("hex")}`;
    const server = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
    const c = await createConnection(server);
    await c.query(`CREATE DATABASE \`${name}\``);
    await c.end();
    databaseUrl = `${server}/${name}`;
    cleanup = async () => {
      const d = await createConnection(server);
      await d.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await d.end();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), "izy-bench-"));
    databaseUrl = `sqlite:${join(dir, "bench.db")}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  // The upstream provider runs in its own process (BENCH_PROVIDER_URL), as a real one would; else in this one.
  const external = process.env.BENCH_PROVIDER_URL;
  const sim = external ? null : await startSimProvider({ balance: "100000000" });
  const providerUrl = external ?? sim!.url;
  const providerKey = external ? "sim-key" : sim!.apiKey;
  const platform = await bootBenchPlatform({
    DATABASE_URL: databaseUrl,
    SMM_API_URL: providerUrl,
    SMM_API_KEY: providerKey,
    // The simulated panel listens on loopback, which production refuses by default: without this every
    // order would be held (provider blocked) and the bench would measure placement without dispatch.
    PROVIDER_ALLOW_PRIVATE_URLS: "true",
  });
  const ctx = systemCtx(platform.services);
  const db = platform.services.db;
  const now = dbNow();
  let ordersAnswered = 0;

  // 500 services over 10 categories, priced like a synced catalogue; real sim service ids so dispatch works.
  const listed = (await (await fetch(providerUrl, { method: "POST", body: new URLSearchParams({ key: providerKey, action: "services" }) })).json()) as {
    service: number;
    type: string;
  }[];
  const simServices = listed.filter((s) => s.type === "Default");
  let provider = await db.selectFrom("api_providers").select("id").executeTakeFirst();
  if (!provider) {
    const r = await db
      .insertInto("api_providers")
      .values({ name: "bench", url: providerUrl, api_key: providerKey, currency: "USD", exchange_rate: 600_000_000, created_at: now, updated_at: now })
      .executeTakeFirstOrThrow();
    provider = { id: Number(r.insertId) };
  }
  await insertBenchCatalogue(db, {
    providerId: provider.id,
    services: 500,
    categories: 10,
    label: "Bench",
    providerServiceId: (i) => String(simServices[i % simServices.length]!.service) + (i >= simServices.length ? `-${i}` : ""),
    serviceName: (i) => `Bench service ${i} — followers`,
  });
  const orderService = await db
    .selectFrom("services")
    .select("id")
    .where("provider_service_id", "=", String(simServices[0]!.service))
    .executeTakeFirstOrThrow();

  if (mode === "admin") {
    // The admin console's data set: BENCH_ORDERS platform orders (default 1,000,000) over the last year.
    const count = Number(process.env.BENCH_ORDERS ?? 1_000_000);
    const userIds: number[] = [];
    for (let i = 0; i < 200; i++)
      userIds.push((await registerUser(ctx, { username: `buyer${i}`, email: `buyer${i}@example.com`, password: "bench-password", welcome: false })).id);
    const serviceIds = (await db.selectFrom("services").select("id").execute()).map((s) => s.id);
    const started = Date.now();
    await insertBenchOrders(databaseUrl, { count, userIds, serviceIds, providerId: provider.id });
    process.stderr.write(`  ${count} orders written in ${Math.round((Date.now() - started) / 1000)}s\n`);
    const admin = await registerUser(ctx, { username: "benchadmin", email: "admin@example.com", password: "bench-password", welcome: false });
    await db.updateTable("users").set({ role: "admin" }).where("id", "=", admin.id).execute();
    const { url } = await listen(platform.app.fetch);
    console.log(JSON.stringify({ url, tokens: [(await createSession(ctx, admin.id)).token], orders: count, platformHost: "izyboost.bench" }));
  } else {
    await loadTarget();
  }
  async function loadTarget() {
    const tokens: string[] = [];
    for (let i = 0; i < 50; i++) {
      const u = await registerUser(ctx, { username: `bench${i}`, email: `bench${i}@example.com`, password: "bench-password", welcome: false });
      await credit(ctx, { userId: u.id, amount: 1_000_000_000_000_000, type: "adjustment" });
      tokens.push((await createSession(ctx, u.id)).token);
    }
    const owner = await registerUser(ctx, { username: "reseller", email: "reseller@example.com", password: "bench-password", welcome: false });
    await db
      .insertInto("white_label_sites")
      .values({ uuid: randomUUID(), owner_id: owner.id, plan_id: 1, template_id: 1, name: "Bench Shop", slug: "shop", created_at: now, updated_at: now })
      .execute();

    // Orders answered 201, for the check when the server stops (bench/scale-checks.ts).
    const { url } = await listen(async (req) => {
      const res = await platform.app.fetch(req);
      if (res.status === 201 && req.method === "POST" && req.url.endsWith("/api/user/orders")) ordersAnswered++;
      return res;
    });
    console.log(JSON.stringify({ url, tokens, serviceId: orderService.id, siteHost: "shop.sites.bench", platformHost: "izyboost.bench" }));
  }
  const stop = async () => {
    let failed = false;
    if (ordersAnswered > 0) {
      await settleDispatchKicks(platform.services);
      const check = await checkOrderRun(db, ordersAnswered);
      failed = !check.ok;
      process.stderr.write(`  orders check: ${check.ok ? "ok" : "FAILED"} ${JSON.stringify(check)}\n`);
    }
    await platform.close();
    await sim?.close();
    await cleanup();
    process.exit(failed ? 1 : 0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
