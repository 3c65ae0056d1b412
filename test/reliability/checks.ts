import { sql } from "kysely";
import { ledgerViolations } from "../../src/wallet/ledger.ts";
import { httpRequest } from "./http.ts";
import { PLATFORM_HOST, type Instance } from "./fleet.ts";
import type { LoadResult } from "./load.ts";
import { say } from "./report.ts";
import { sleep } from "./processes.ts";
import type { World } from "./world.ts";

const OURS = "https://instagram.com/reliability/%";

/** A DB timestamp ('YYYY-MM-DD HH:MM:SS.sss', UTC) `ms` from now. */
const stamp = (ms = 0) => new Date(Date.now() + ms).toISOString().replace("T", " ").replace("Z", "");

/**
 * Smoke mode cannot wait for the real delays (a transient failure's 30 s backoff, the two minutes after
 * which a send interrupted by a crash counts as interrupted): it moves those rows' clocks forward, as
 * the waiting would, and the app's own jobs do the rest.
 */
async function timeTravel(w: World): Promise<void> {
  await w.db.db
    .updateTable("orders")
    .set({ next_attempt_at: stamp(-1000) })
    .where("dispatch_state", "=", "queued")
    .where("next_attempt_at", ">", stamp())
    .where("link", "like", OURS)
    .execute();
  await w.db.db
    .updateTable("orders")
    .set({ updated_at: stamp(-60 * 60_000) })
    .where("dispatch_state", "=", "sending")
    .where("updated_at", "<", stamp(-8_000))
    .where("link", "like", OURS)
    .execute();
}

/**
 * Smoke mode: claims of idempotency keys left in flight (by a killed instance) count as abandoned after
 * 30 s; the smoke ages those older than a few seconds instead of waiting. Safe at any age: a claim is
 * checked by its id when its work commits (src/idempotency/keys.ts).
 */
export async function ageInFlightClaims(w: World): Promise<void> {
  await w.db.db
    .updateTable("idempotency_keys")
    .set({ created_at: stamp(-60 * 60_000) })
    .where("status", "=", "in_flight")
    .where("created_at", "<", stamp(-4_000))
    .where("created_at", ">", stamp(-30 * 60_000))
    .execute();
}

/**
 * What an admin does with orders whose dispatch is unknown (an instance died mid-call): looks the
 * order up at the provider (by its link, unique per order here), then marks it sent with the
 * provider's id, or has it resent when the provider never got it. Through the admin API.
 */
async function reconcileUnknown(w: World, via: Instance): Promise<number> {
  const unknown = await w.db.db.selectFrom("orders").select(["id", "link"]).where("dispatch_state", "=", "unknown").where("link", "like", OURS).execute();
  if (unknown.length === 0) return 0;
  const atProvider = new Map((await w.provider.orders()).map((o) => [o.link, o.id]));
  for (const o of unknown) {
    const providerId = atProvider.get(o.link);
    const res = await httpRequest(`${via.url}/api/admin/orders/${o.id}/reconcile`, {
      method: "POST",
      host: PLATFORM_HOST,
      headers: { authorization: `Bearer ${w.adminToken}` },
      json: providerId
        ? { action: "mark_sent", provider_order_id: String(providerId), note: "found at the provider" }
        : { action: "resend", note: "not at the provider" },
    });
    if (res.status !== 200) throw new Error(`reconcile of order ${o.id}: ${res.status} ${res.text}`);
  }
  say(`  admin reconciled ${unknown.length} orders of unknown dispatch (${unknown.filter((o) => atProvider.has(o.link)).length} found at the provider)`);
  return unknown.length;
}

/** Waits until every order of the suite is sent or refunded (none queued, sending or unknown); answers how long it took. */
export async function waitForRecovery(w: World, opts: { smoke: boolean; timeoutMs: number; via: () => Instance }): Promise<{ ms: number; reconciled: number }> {
  const started = Date.now();
  let reconciled = 0;
  let lastSay = 0;
  for (;;) {
    const open = await w.db.db
      .selectFrom("orders")
      .select(["dispatch_state", (e) => e.fn.countAll<number>().as("n")])
      .where("dispatch_state", "in", ["queued", "sending", "unknown"])
      .where("link", "like", OURS)
      .groupBy("dispatch_state")
      .execute();
    if (open.length === 0) return { ms: Date.now() - started, reconciled };
    if (Date.now() - started > opts.timeoutMs)
      throw new Error(`orders still open after ${opts.timeoutMs} ms: ${open.map((r) => `${r.n} ${r.dispatch_state}`).join(", ")}`);
    if (Date.now() - lastSay > 5_000) {
      say(`  waiting for recovery: ${open.map((r) => `${r.n} ${r.dispatch_state}`).join(", ")}`);
      lastSay = Date.now();
    }
    if (open.some((r) => r.dispatch_state === "unknown")) reconciled += await reconcileUnknown(w, opts.via());
    if (opts.smoke) await timeTravel(w);
    await sleep(500);
  }
}

/**
 * The end of every scenario: the ledger invariant; every key that got a 2xx has exactly one order, the
 * one it was told; no link (key) has two orders; every order charged exactly once and refunded at most
 * once, never more than its charge; every order sent or refunded; the provider has each order at most
 * once, and exactly the ones we say we sent. Answers the problems found (none: it holds).
 */
export async function moneyAndOrdersHold(w: World, load: LoadResult): Promise<string[]> {
  const problems: string[] = [];
  const db = w.db.db;
  const violations = await ledgerViolations({ db });
  if (violations.length) problems.push(`ledger invariant broken for ${violations.length} users: ${JSON.stringify(violations.slice(0, 3))}`);
  const negative = await db.selectFrom("users").select("id").where("balance", "<", 0).execute();
  if (negative.length) problems.push(`${negative.length} negative balances`);

  const orders = await db
    .selectFrom("orders")
    .select(["id", "uuid", "link", "charge", "refunded", "status", "dispatch_state", "provider_order_id"])
    .where("link", "like", OURS)
    .execute();
  const byLink = new Map<string, typeof orders>();
  for (const o of orders) byLink.set(o.link, [...(byLink.get(o.link) ?? []), o]);
  for (const [link, list] of byLink) if (list.length > 1) problems.push(`${list.length} orders for one key (${link})`);
  for (const p of load.placed) {
    const found = byLink.get(p.link) ?? [];
    if (found.length !== 1 || found[0]!.uuid !== p.uuid)
      problems.push(`key ${p.key} was answered ${p.uuid}; the database has ${found.map((o) => o.uuid).join(", ") || "nothing"}`);
  }
  for (const r of load.refused) problems.push(`key ${r.key} refused: ${r.status} ${r.body}`);

  const money = await db
    .selectFrom("transactions")
    .select([
      "order_id",
      sql<number>`SUM(CASE WHEN type = 'order' THEN 1 ELSE 0 END)`.as("charges"),
      sql<number>`SUM(CASE WHEN type = 'order' THEN -amount ELSE 0 END)`.as("charged"),
      sql<number>`SUM(CASE WHEN type = 'refund' THEN 1 ELSE 0 END)`.as("refunds"),
      sql<number>`SUM(CASE WHEN type = 'refund' THEN amount ELSE 0 END)`.as("refunded"),
    ])
    .where("status", "=", "completed")
    .where("order_id", "in", db.selectFrom("orders").select("id").where("link", "like", OURS))
    .groupBy("order_id")
    .execute();
  const ledgerOf = new Map(money.map((m) => [Number(m.order_id), m]));
  for (const o of orders) {
    const m = ledgerOf.get(o.id);
    if (!m || Number(m.charges) !== 1 || Number(m.charged) !== Number(o.charge))
      problems.push(`order ${o.id} charged ${m ? `${m.charges} times (${m.charged})` : "never"}, its charge is ${o.charge}`);
    else if (Number(m.refunds) > 1 || Number(m.refunded) > Number(o.charge))
      problems.push(`order ${o.id} refunded ${m.refunds} times (${m.refunded} of ${o.charge})`);
    if (o.dispatch_state !== "sent" && o.dispatch_state !== "failed") problems.push(`order ${o.id} still ${o.dispatch_state}`);
    if (o.dispatch_state === "failed" && Number(m?.refunded ?? 0) !== Number(o.charge)) problems.push(`order ${o.id} failed without its full refund`);
  }

  const atProvider = (await w.provider.orders()).filter((o) => o.link.startsWith("https://instagram.com/reliability/"));
  const providerByLink = new Map<string, number[]>();
  for (const o of atProvider) providerByLink.set(o.link, [...(providerByLink.get(o.link) ?? []), o.id]);
  for (const [link, ids] of providerByLink) {
    if (ids.length > 1) problems.push(`the provider got ${ids.length} orders for one of ours (${link}: ${ids.join(", ")})`);
    const ours = byLink.get(link)?.[0];
    if (!ours) problems.push(`the provider has an order (${ids[0]}) we have no order for (${link})`);
    else if (ours.dispatch_state !== "sent" || ours.provider_order_id !== String(ids[0]))
      problems.push(`the provider has order ${ids[0]} for our order ${ours.id}, which is ${ours.dispatch_state} (provider id ${ours.provider_order_id})`);
  }
  for (const o of orders)
    if (o.dispatch_state === "sent" && !providerByLink.has(o.link))
      problems.push(`order ${o.id} is sent as ${o.provider_order_id} but the provider does not have it`);
  say(
    `  checked: ${orders.length} orders (${orders.filter((o) => o.dispatch_state === "sent").length} sent, ${orders.filter((o) => o.dispatch_state === "failed").length} refunded), ${atProvider.length} at the provider, ledger of ${ledgerOf.size} orders — ${problems.length ? `${problems.length} PROBLEMS` : "all hold"}`,
  );
  return problems;
}
