// The app's own cost per request, without sockets: `node bench/overhead.ts [requests]` boots the platform
// on SQLite with 500 services and hands each scenario's request to @hono/node-server's request listener
// (what `serve()` runs for each request: its lightweight Request and Response, the headers and bytes written
// to a ServerResponse) in this one process, beside a bare Hono app answering the same status, headers and
// bytes. Prints CPU µs per request: steadier than req/s on a shared machine, as only this process counts.
// Run it under `--cpu-prof` (or callgrind) for a profile of the app alone.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { getRequestListener } from "@hono/node-server";
import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import { bootPlatform } from "../src/app/boot.ts";
import { bootBenchPlatform } from "./platform.ts";
import { createSession } from "../src/auth/session.ts";
import { registerUser } from "../src/auth/service.ts";
import { systemCtx } from "../src/context.ts";
import { dbNow } from "../src/lib/time.ts";
import { insertBenchCatalogue } from "./catalogue-data.ts";

const REQUESTS = Number(process.argv[2] ?? 20_000);
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, "i") : null;

type Fetch = (req: Request) => Response | Promise<Response>;
type Listener = (incoming: IncomingMessage, outgoing: ServerResponse) => Promise<void>;
interface Probe {
  path: string;
  headers: Record<string, string>;
}

const socket = new Socket();

/** One request as node:http hands it to the listener; what is written goes nowhere (no socket is attached). */
function exchange(probe: Probe): [IncomingMessage, ServerResponse] {
  const incoming = new IncomingMessage(socket);
  incoming.method = "GET";
  incoming.url = probe.path;
  incoming.headers = probe.headers;
  incoming.rawHeaders = Object.entries(probe.headers).flat();
  incoming.push(null);
  return [incoming, new ServerResponse(incoming)];
}

/** CPU microseconds per request over `n` requests. */
async function cpuPerRequest(listener: Listener, probe: Probe, n: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await listener(...exchange(probe));
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

const ROUNDS = 15;

/**
 * The app and its ceiling in turns, ROUNDS short rounds each, keeping each one's fastest round: other
 * processes on the machine only ever add time, so the minimum is the steadiest figure.
 */
async function compare(app: Listener, ceiling: Listener, probe: Probe, n: number): Promise<{ own: number; bare: number }> {
  await cpuPerRequest(app, probe, 1000);
  await cpuPerRequest(ceiling, probe, 1000);
  let own = Infinity;
  let bare = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    bare = Math.min(bare, await cpuPerRequest(ceiling, probe, Math.ceil(n / ROUNDS)));
    own = Math.min(own, await cpuPerRequest(app, probe, Math.ceil(n / ROUNDS)));
  }
  return { own, bare };
}

/** A bare Hono app answering what `fetch` answers to the probe: same status, headers and bytes. */
async function sameBytes(fetch: Fetch, probe: Probe): Promise<Listener> {
  const res = await fetch(new Request(`http://${probe.headers.host}${probe.path}`, { headers: probe.headers }));
  const headers = [...res.headers];
  const body = new Uint8Array(await res.arrayBuffer());
  const app = new Hono();
  app.all("*", () => new Response(body, { status: res.status, headers }));
  return getRequestListener(app.fetch);
}

async function seed(platform: Awaited<ReturnType<typeof bootPlatform>>) {
  const ctx = systemCtx(platform.services);
  const db = platform.services.db;
  const now = dbNow();
  const provider = await db
    .insertInto("api_providers")
    .values({ name: "bench", url: "http://127.0.0.1:9/api/v2", api_key: "k", currency: "USD", exchange_rate: 600_000_000, created_at: now, updated_at: now })
    .executeTakeFirstOrThrow();
  await insertBenchCatalogue(db, {
    providerId: Number(provider.insertId),
    services: 500,
    categories: 10,
    label: "Bench",
    providerServiceId: (i) => String(i + 1),
    serviceName: (i) => `Bench service ${i} — followers`,
  });
  const user = await registerUser(ctx, { username: "bench", email: "bench@example.com", password: "bench-password", welcome: false });
  const owner = await registerUser(ctx, { username: "reseller", email: "reseller@example.com", password: "bench-password", welcome: false });
  await db
    .insertInto("white_label_sites")
    .values({ uuid: randomUUID(), owner_id: owner.id, plan_id: 1, template_id: 1, name: "Bench Shop", slug: "shop", created_at: now, updated_at: now })
    .execute();
  return { token: (await createSession(ctx, user.id)).token };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "izy-overhead-"));
  const platform = await bootBenchPlatform({
    DATABASE_URL: `sqlite:${join(dir, "bench.db")}`,
    SMM_API_URL: "http://127.0.0.1:9/api/v2",
    SMM_API_KEY: "unused",
  });
  const { token } = await seed(platform);
  const app: Fetch = (req) => platform.app.fetch(req);
  const listener: Listener = getRequestListener(platform.app.fetch);
  const scenarios: [string, Probe][] = [
    ["GET /api/services", { path: "/api/services?per_page=100", headers: { host: "izyboost.bench" } }],
    ["GET /api/services signed in", { path: "/api/services?per_page=100", headers: { host: "izyboost.bench", authorization: `Bearer ${token}` } }],
    ["storefront catalogue page", { path: "/services", headers: { host: "shop.sites.bench" } }],
  ];
  console.log("| scenario | app µs CPU/request | same bytes, bare Hono | ceiling/app |");
  console.log("|---|---:|---:|---:|");
  for (const [name, probe] of scenarios) {
    if (ONLY && !ONLY.test(name)) continue;
    const { own, bare } = await compare(listener, await sameBytes(app, probe), probe, REQUESTS);
    console.log(`| ${name} | ${own.toFixed(1)} | ${bare.toFixed(1)} | ${Math.round((bare / own) * 100)}% |`);
  }
  console.log(`\n${REQUESTS} requests each in ${ROUNDS} alternating rounds (the fastest round kept), in one process, no sockets; node ${process.version}.`);
  await platform.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
