import { expect } from "vitest";
import { balanceOf as platformBalanceOf, expectLedgerHolds as platformLedgerHolds } from "../harness/money.ts";
import { body, makePlatform, signUp, signUpAdmin } from "../harness/platform.ts";
import { manualClock } from "../harness/clock.ts";
import { startSimProvider } from "../../src/provider-sim/server.ts";
import type { ServiceType } from "../../src/provider-sim/catalog.ts";
import type { NewService } from "../../src/provider-sim/state.ts";
import type { DialectName } from "../../src/db/database.ts";
import { dbNow } from "../../src/lib/time.ts";
import { convert, parseMoney } from "../../src/money/money.ts";
import { credit } from "../../src/wallet/ledger.ts";
import { dispatchOrders, settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { syncOrderStatuses } from "../../src/orders/sync.ts";

export const PROVIDER_KEY = "orders-provider-key-5c1e9a7f";
export const SIM_START = Date.UTC(2026, 10, 24, 10, 0, 0);
/** 1 USD = 600 XOF. */
export const EXCHANGE = 600_000_000;

export type World = Awaited<ReturnType<typeof orderWorld>>;

/** A platform on a hand-moved clock, a simulated provider on loopback and its api_providers row. */
export async function orderWorld(dialect: DialectName, env: Record<string, string> = {}) {
  const clock = manualClock(new Date(SIM_START));
  const p = await makePlatform(dialect, { PROVIDER_TIMEOUT_MS: "800", SESSION_DAYS: "365", ...env }, { clock });
  const w = {
    p,
    clock,
    sim: await startSimProvider({ apiKey: PROVIDER_KEY, clock: () => SIM_START, balance: "1000000" }),
    providerId: 0,
    categoryId: 0,
    /** What addService put on the panel, to put back when the panel restarts. */
    simServices: [] as NewService[],
  };
  w.sim.sim.setOutcomeShares({ partial: 0, canceled: 0 });
  const now = dbNow(clock);
  const prov = await p.services.db
    .insertInto("api_providers")
    .values({ name: "Sim", url: w.sim.url, api_key: PROVIDER_KEY, currency: "USD", exchange_rate: EXCHANGE, is_active: 1, created_at: now, updated_at: now })
    .executeTakeFirstOrThrow();
  w.providerId = Number(prov.insertId);
  const cat = await p.services.db
    .insertInto("categories")
    .values({ name: "Test", slug: `test-${w.providerId}`, created_at: now, updated_at: now })
    .executeTakeFirstOrThrow();
  w.categoryId = Number(cat.insertId);
  return w;
}

export async function closeWorld(w: World | undefined) {
  if (!w) return;
  await settleDispatchKicks(w.p.services);
  await w.sim.close();
  await w.p.close();
}

/** Stops the provider (connections refused) and returns a function that starts it again on the same port. */
export async function stopProvider(w: World): Promise<() => Promise<void>> {
  const port = Number(new URL(w.sim.url).port);
  await w.sim.close();
  // Let the client's connection pool see its kept-alive sockets close: "down" here means refused, not reset.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return async () => {
    w.sim = await startSimProvider({ port, apiKey: PROVIDER_KEY, clock: () => SIM_START, balance: "1000000" });
    w.sim.sim.setOutcomeShares({ partial: 0, canceled: 0 });
    for (const s of w.simServices) w.sim.sim.addService(s);
  };
}

export interface ServiceSpec {
  type?: ServiceType;
  /** Platform price per 1000 in XOF, e.g. "1000". */
  rate?: string;
  /** Provider price per 1000 in USD. */
  providerRate?: string;
  min?: number;
  max?: number;
  refill?: boolean;
  refillDays?: number;
  cancel?: boolean;
  dripfeed?: boolean;
}

/** A service both on the simulated panel and in our catalogue, with prices of our choosing. */
export async function addService(w: World, spec: ServiceSpec = {}) {
  const providerRate = spec.providerRate ?? "1";
  const simService = w.sim.sim.addService({
    name: `Svc ${Math.random().toString(36).slice(2, 8)}`,
    type: spec.type ?? "Default",
    rate: providerRate,
    min: spec.min ?? 10,
    max: spec.max ?? 10_000,
    refill: spec.refill ?? false,
    cancel: spec.cancel ?? false,
    dripfeed: spec.dripfeed ?? false,
  });
  w.simServices.push({ ...simService, rate: providerRate });
  const now = dbNow(w.clock);
  const res = await w.p.services.db
    .insertInto("services")
    .values({
      provider_id: w.providerId,
      provider_service_id: String(simService.service),
      category_id: w.categoryId,
      name: simService.name,
      type: simService.type,
      provider_rate: parseMoney(providerRate)!,
      base_rate: convert(parseMoney(providerRate)!, EXCHANGE),
      rate: parseMoney(spec.rate ?? "1000")!,
      min: simService.min,
      max: simService.max,
      refill: spec.refill ? 1 : 0,
      refill_days: spec.refillDays ?? 30,
      cancel: spec.cancel ? 1 : 0,
      dripfeed: spec.dripfeed ? 1 : 0,
      is_active: 1,
      created_at: now,
      updated_at: now,
    })
    .executeTakeFirstOrThrow();
  return { id: Number(res.insertId), simId: simService.service };
}

export async function fundedUser(w: World, amount = "100000", opts: { referral_code?: string; ip?: string } = {}) {
  const u = await signUp(w.p, opts);
  if (parseMoney(amount)! > 0) await credit(w.p.ctx(), { userId: u.user.id, amount: parseMoney(amount)!, type: "deposit" });
  return u;
}

export async function adminToken(w: World): Promise<string> {
  return (await signUpAdmin(w.p)).token;
}

export async function place(w: World, token: string, json: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await w.p.request("/api/user/orders", { method: "POST", token, json, headers });
  const b = await body(res);
  await settleDispatchKicks(w.p.services);
  return { status: res.status, body: b, order: b.data as any };
}

export async function balanceOf(w: World, userId: number): Promise<number> {
  return platformBalanceOf(w.p, userId);
}

export async function orderRow(w: World, uuid: string) {
  return w.p.services.db.selectFrom("orders").selectAll().where("uuid", "=", uuid).executeTakeFirstOrThrow();
}

export async function ledgerOf(w: World, userId: number) {
  return w.p.services.db.selectFrom("transactions").selectAll().where("user_id", "=", userId).orderBy("id").execute();
}

export async function addCalls(w: World): Promise<number> {
  const r = await w.p.services.db
    .selectFrom("provider_logs")
    .select((e) => e.fn.countAll<number>().as("n"))
    .where("action", "=", "add")
    .where("provider_id", "=", w.providerId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function runDispatch(w: World) {
  await settleDispatchKicks(w.p.services);
  return dispatchOrders(w.p.ctx());
}

export async function runSync(w: World) {
  return syncOrderStatuses(w.p.ctx());
}

/** The simulated provider's order behind one of ours. */
export async function simOrderOf(w: World, uuid: string) {
  const row = await orderRow(w, uuid);
  expect(row.provider_order_id).not.toBeNull();
  return w.sim.sim.getOrder(Number(row.provider_order_id))!;
}

/** Moves the panel's clock past the pending and running phases, so orders reach their outcome. */
export function finishAtProvider(w: World) {
  w.sim.sim.advance(w.sim.sim.timing.pendingMs + w.sim.sim.timing.runMs + 1000);
}

/** The ledger invariant, once the dispatch kicks still running have settled. */
export async function expectLedgerHolds(w: World) {
  await settleDispatchKicks(w.p.services);
  await platformLedgerHolds(w.p);
}

export const money = (s: string) => parseMoney(s)!;
