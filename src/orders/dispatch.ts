import { PLATFORM, type Ctx } from "../context.ts";
import { dbNow } from "../lib/time.ts";
import { providerClient, ProviderError } from "../providers/client.ts";
import { addFieldsOf } from "./fields.ts";
import { changeOrderStatus } from "./transitions.ts";
import { onPlatformOrderChanged } from "../storefront-orders/mirror.ts";

/** Attempts before a provider that keeps failing transiently makes us give up (refund + failed). */
export const MAX_DISPATCH_ATTEMPTS = 8;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_MAX_MS = 60 * 60_000;
/** Consecutive transient/unknown failures after which a run stops sending to that provider. */
const BREAKER_THRESHOLD = 3;
const PARALLEL = 4;

/** Wait before the next attempt after `attempts` transient failures: 30 s × 2^(n−1), at most an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

export type DispatchOutcome = "sent" | "retry" | "failed" | "unknown" | "skipped";

export interface DispatchSummary {
  sent: number;
  retry: number;
  failed: number;
  unknown: number;
  skipped: number;
  /** Orders found stuck in `sending` (the process died mid-call) and held for reconciliation. */
  interrupted: number;
}

/** The order is ours to send only if this conditional UPDATE moves it from queued to sending. */
async function claim(ctx: Ctx, orderId: number): Promise<boolean> {
  const now = dbNow(ctx.clock);
  const res = await ctx.db
    .updateTable("orders")
    .set((eb) => ({ dispatch_state: "sending", dispatch_attempts: eb("dispatch_attempts", "+", 1), updated_at: now }))
    .where("id", "=", orderId)
    .where("dispatch_state", "=", "queued")
    .where("status", "=", "pending")
    .where((eb) => eb.or([eb("next_attempt_at", "is", null), eb("next_attempt_at", "<=", now)]))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Leaves `sending` for another dispatch state; only the claimant's outcome applies. */
async function settle(ctx: Ctx, orderId: number, set: { dispatch_state: "queued" | "unknown"; last_error: string; next_attempt_at?: string }): Promise<void> {
  await ctx.db.updateTable("orders").set({ ...set, last_error: set.last_error.slice(0, 500), updated_at: dbNow(ctx.clock) }).where("id", "=", orderId).where("dispatch_state", "=", "sending").execute();
}

/** Refunds the whole charge and fails an order we hold in `sending`: the provider refused it, or we gave up. */
function failSending(ctx: Ctx, orderId: number, reason: string) {
  return changeOrderStatus(ctx, orderId, { status: "failed", error: reason }, { from: ["pending"], dispatchFrom: ["sending"], set: { dispatch_state: "failed", next_attempt_at: null } });
}

/**
 * Sends one order to its provider, if we can claim it. `sending` is committed before the call, so a
 * crash mid-call leaves a trace (reconciled, never re-sent). Success → sent/processing; a definite
 * refusal → refund + failed; a transient fault → queued again with backoff (refund + failed after
 * MAX_DISPATCH_ATTEMPTS); an unknown outcome → held as `unknown` for an admin.
 */
export async function dispatchOrder(ctx: Ctx, orderId: number): Promise<DispatchOutcome> {
  if (!(await claim(ctx, orderId))) return "skipped";
  const order = await ctx.db
    .selectFrom("orders")
    .innerJoin("services", "services.id", "orders.service_id")
    .innerJoin("api_providers", "api_providers.id", "orders.provider_id")
    .select(["orders.id", "orders.provider_id", "orders.link", "orders.quantity", "orders.runs", "orders.interval", "orders.params", "orders.dispatch_attempts"])
    .select(["services.type", "services.provider_service_id", "api_providers.url", "api_providers.api_key", "api_providers.is_active"])
    .where("orders.id", "=", orderId)
    .executeTakeFirst();
  if (!order) {
    await settle(ctx, orderId, { dispatch_state: "unknown", last_error: "The order's service or provider is missing" });
    return "unknown";
  }
  const transient = async (message: string): Promise<DispatchOutcome> => {
    if (order.dispatch_attempts >= MAX_DISPATCH_ATTEMPTS) {
      await failSending(ctx, orderId, `Gave up after ${order.dispatch_attempts} attempts: ${message}`);
      return "failed";
    }
    await settle(ctx, orderId, { dispatch_state: "queued", last_error: message, next_attempt_at: dbNow(ctx.clock, backoffMs(order.dispatch_attempts)) });
    return "retry";
  };
  if (!order.is_active) return transient("The provider is switched off");

  let providerOrderId: string;
  try {
    const client = providerClient(ctx, { id: order.provider_id, url: order.url, apiKey: order.api_key });
    providerOrderId = (await client.add(addFieldsOf(order, order), { orderId })).order;
  } catch (err) {
    const kind = err instanceof ProviderError ? err.kind : "unknown";
    const message = err instanceof Error ? err.message : String(err);
    if (kind === "transient") return transient(message);
    if (kind === "definite") {
      await failSending(ctx, orderId, `Refused by the provider: ${message}`);
      return "failed";
    }
    await settle(ctx, orderId, { dispatch_state: "unknown", last_error: `Outcome unknown, held for reconciliation: ${message}` });
    return "unknown";
  }
  const now = dbNow(ctx.clock);
  await ctx.db
    .updateTable("orders")
    .set({ provider_order_id: providerOrderId, dispatch_state: "sent", status: "processing", last_error: null, next_attempt_at: null, updated_at: now })
    .where("id", "=", orderId)
    .where("dispatch_state", "=", "sending")
    .execute();
  await onPlatformOrderChanged(ctx, orderId);
  return "sent";
}

/**
 * Orders left in `sending` longer than any call can take were interrupted (crash, restart): the
 * provider may or may not have them, so they are held as `unknown`, never re-sent blindly.
 */
async function holdInterrupted(ctx: Ctx): Promise<number> {
  const cutoff = dbNow(ctx.clock, -(ctx.config.PROVIDER_TIMEOUT_MS + 2 * 60_000));
  const res = await ctx.db
    .updateTable("orders")
    .set({ dispatch_state: "unknown", last_error: "Interrupted while sending; held for reconciliation", updated_at: dbNow(ctx.clock) })
    .where("dispatch_state", "=", "sending")
    .where("updated_at", "<", cutoff)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** `smm:dispatch-orders`: sends queued orders that are due, a few at a time, with a per-provider breaker. */
export async function dispatchOrders(ctx: Ctx, opts: { ids?: number[]; limit?: number } = {}): Promise<DispatchSummary> {
  const summary: DispatchSummary = { sent: 0, retry: 0, failed: 0, unknown: 0, skipped: 0, interrupted: 0 };
  if (!opts.ids) summary.interrupted = await holdInterrupted(ctx);
  const now = dbNow(ctx.clock);
  let q = ctx.db
    .selectFrom("orders")
    .select(["id", "provider_id"])
    // Only platform orders go to providers; a storefront customer's order is fulfilled by its platform order.
    .where("site_id", "=", 0)
    .where("dispatch_state", "=", "queued")
    .where("status", "=", "pending")
    .where((eb) => eb.or([eb("next_attempt_at", "is", null), eb("next_attempt_at", "<=", now)]))
    .orderBy("id")
    .limit(opts.limit ?? 500);
  if (opts.ids) q = q.where("id", "in", opts.ids.length ? opts.ids : [0]);
  const due = await q.execute();

  const strikes = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < due.length) {
      const { id, provider_id } = due[next++]!;
      if ((strikes.get(provider_id) ?? 0) >= BREAKER_THRESHOLD) {
        summary.skipped++;
        continue;
      }
      let outcome: DispatchOutcome;
      try {
        outcome = await dispatchOrder(ctx, id);
      } catch (err) {
        ctx.logger.error("dispatch failed", { order_id: id, error: String(err) });
        outcome = "skipped";
      }
      summary[outcome]++;
      if (outcome === "retry" || outcome === "unknown") strikes.set(provider_id, (strikes.get(provider_id) ?? 0) + 1);
      else if (outcome === "sent") strikes.set(provider_id, 0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, due.length) }, worker));
  return summary;
}

const kicks = new Set<Promise<unknown>>();
const waiting = new Map<Ctx["events"], { ctx: Ctx; ids: number[] }>();

/**
 * Sends freshly placed orders at once, in the background (fire-and-forget); the scheduled job
 * catches whatever this misses (a restart, a provider that was down). Kicks made in the same
 * tick are sent together, so a burst of orders costs one claim query, not one each.
 */
export function kickDispatch(ctx: Ctx, orderIds: number[]): void {
  const batch = waiting.get(ctx.events);
  if (batch) {
    batch.ids.push(...orderIds);
    return;
  }
  // Sending is platform work whichever tenant's request placed the order.
  waiting.set(ctx.events, { ctx: { ...ctx, user: null, tenant: PLATFORM }, ids: [...orderIds] });
  const run = new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => {
      const { ctx: batchCtx, ids } = waiting.get(ctx.events)!;
      waiting.delete(ctx.events);
      return dispatchOrders(batchCtx, { ids });
    })
    .catch((err) => ctx.logger.error("dispatch kick failed", { order_ids: orderIds, error: String(err) }))
    .finally(() => kicks.delete(run));
  kicks.add(run);
}

/** Resolves once every background kick started so far has finished (tests, graceful shutdown). */
export async function settleDispatchKicks(): Promise<void> {
  while (kicks.size > 0) await Promise.allSettled([...kicks]);
}
