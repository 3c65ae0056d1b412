import type { Ctx } from "../context.ts";
import { retryDeadlocks } from "../db/errors.ts";
import type { Order, OrderStatus } from "../db/schema.ts";
import { DAY, dbNow, fromDbTime } from "../lib/time.ts";
import { clientForProvider, ProviderError, type BatchStatus, type ProviderOrderState } from "../providers/client.ts";
import { clearProviderFailure, recordProviderFailure } from "../providers/health.ts";
import { changeOrderStatus, changeOrderStatuses, type StatusGuard } from "./transitions.ts";
import { ACTIVE_STATUSES } from "./statuses.ts";

/** The provider accepts at most this many ids per `status` call. */
const STATUS_BATCH = 100;
/** Batches of answers applied at once: one, while the next batch is asked for (two would take the same users' rows in two transactions). */
const APPLY_PARALLEL = 1;

export interface SyncSummary {
  checked: number;
  changed: number;
  refunded: number;
  calls: number;
  errors: { provider_id: number; message: string }[];
}

/**
 * Applies one provider answer to an order still in flight: its status, start count and remains;
 * a final status refunds (partial pro rata, canceled in full) and pays commissions, exactly once
 * (the status compare-and-set in changeOrderStatus decides).
 */
export async function applyProviderState(ctx: Ctx, orderId: number, state: ProviderOrderState, known?: Order): Promise<{ changed: boolean; refunded: number }> {
  const r = await changeOrderStatus(ctx, orderId, syncedChange(state), syncGuard(ctx), known);
  return { changed: r.changed, refunded: r.refunded };
}

// Over-delivery ("-15", "+15") arrives as remains 0 (wire.ts): nothing to refund.
const syncedChange = (state: ProviderOrderState) => ({ status: state.status, remains: state.remains, startCount: state.startCount });
/** Only an order still in flight moves on a panel's answer, and its check time is written with it. */
const syncGuard = (ctx: Ctx): StatusGuard => ({ from: ACTIVE_STATUSES, dispatchFrom: ["sent"], set: { last_status_sync_at: dbNow(ctx.clock) } });

/** A panel found not to answer `orders=` is asked one order at a time; its batch is tried again after this long. */
export const BATCH_RETRY_MS = 7 * DAY;
/** Orders a run checks with single calls, per provider. */
const SINGLE_PER_RUN = 300;
/** Single status calls that fail in a row before the provider is left for the next run. */
const SINGLE_FAILURES_MAX = 3;

/**
 * `smm:sync-orders`, first part: asks each provider for the status of its orders in flight, at most
 * STATUS_BATCH ids per call, least recently checked first; a panel that does not answer `orders=`
 * is asked one order at a time (and remembered as such). A provider that fails is logged, keeps the
 * reason as its last_error and is left for the next run; the others go on.
 */
export async function syncOrderStatuses(ctx: Ctx, opts: { limitPerProvider?: number } = {}): Promise<SyncSummary> {
  const summary: SyncSummary = { checked: 0, changed: 0, refunded: 0, calls: 0, errors: [] };
  const providers = await ctx.db
    .selectFrom("orders")
    .select("provider_id")
    .distinct()
    .where("dispatch_state", "=", "sent")
    .where("status", "in", ACTIVE_STATUSES)
    .execute();
  for (const { provider_id } of providers) {
    try {
      await syncProvider(ctx, provider_id, opts.limitPerProvider ?? 5000, summary);
    } catch (err) {
      summary.errors.push({ provider_id, message: err instanceof Error ? err.message : String(err) });
      ctx.logger.error("order status sync failed", { provider_id, error: String(err) });
    }
  }
  return summary;
}

/** An order in flight as we last knew it: an answer that says the same changes nothing. */
interface KnownOrder {
  id: number;
  user_id: number;
  provider_order_id: string | null;
  status: OrderStatus;
  remains: number | null;
  start_count: number | null;
}

export interface SyncTarget {
  order: KnownOrder;
  providerOrderId: string;
}

async function syncProvider(ctx: Ctx, provider_id: number, limit: number, summary: SyncSummary): Promise<void> {
  const row = await ctx.db.selectFrom("api_providers").select(["id", "name", "status_single_since"]).where("id", "=", provider_id).executeTakeFirst();
  if (!row) throw new Error(`provider ${provider_id} not found`);
  const provider = { id: row.id, name: row.name };
  let single = row.status_single_since !== null && ctx.clock.now().getTime() - fromDbTime(row.status_single_since).getTime() < BATCH_RETRY_MS;
  const orders = await ctx.db
    .selectFrom("orders")
    .select(["id", "user_id", "provider_order_id", "status", "remains", "start_count"])
    .where("provider_id", "=", provider_id)
    .where("dispatch_state", "=", "sent")
    .where("status", "in", ACTIVE_STATUSES)
    .where("provider_order_id", "is not", null)
    .orderBy("last_status_sync_at")
    .orderBy("id")
    // One call per order: the least recently checked share each run, not thousands of calls a minute.
    .limit(single ? Math.min(limit, SINGLE_PER_RUN) : limit)
    .execute();
  if (orders.length === 0) return;
  const client = await clientForProvider(ctx, provider_id);
  const failed = async (err: ProviderError, call: string) => {
    summary.errors.push({ provider_id, message: `${err.kind}: ${err.message}` });
    await recordProviderFailure(ctx, provider, "status", `${err.kind}: ${err.message}`, { call });
  };
  let singleFailures = 0;
  // The answers of a batch are applied while the next batches are asked for, APPLY_PARALLEL at a time.
  const applying = new Set<Promise<void>>();
  const applyInBackground = async (targets: SyncTarget[], answers: Map<string, BatchStatus>) => {
    while (applying.size >= APPLY_PARALLEL) await Promise.race(applying);
    const p: Promise<void> = applyStatusBatch(ctx, targets, answers, summary)
      .catch((err) => ctx.logger.error("order statuses not applied", { provider_id, orders: targets.length, error: String(err) }))
      .finally(() => applying.delete(p));
    applying.add(p);
  };
  const applied = async () => {
    while (applying.size) await Promise.all([...applying]);
  };

  for (let i = 0; i < orders.length; i += STATUS_BATCH) {
    const batch = orders.slice(i, i + STATUS_BATCH).map((order): SyncTarget => ({ order, providerOrderId: order.provider_order_id!.trim() }));
    const answers = new Map<string, BatchStatus>();
    let batchUnanswered = false;
    if (!single) {
      try {
        summary.calls++;
        for (const [id, answer] of await client.statuses([...new Set(batch.map((t) => t.providerOrderId))])) answers.set(id, answer);
        batchUnanswered = answers.size === 0;
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        // Nothing usable came back (timeout, 5xx, unreadable) or the panel refused us (key, funds, limits): not a question of batch support.
        if (err.kind !== "definite") {
          await applied();
          return failed(err, "status orders=");
        }
        // An error answer to `orders=`: the panel may only know `order=`; the single calls below tell.
        ctx.logger.warn("provider status call failed", { provider_id, provider: provider.name, call: "status orders=", reason: err.message });
        batchUnanswered = true;
      }
    }

    let singleAnswered = 0;
    let stop: ProviderError | null = null;
    for (const t of batch) {
      if (answers.has(t.providerOrderId)) continue;
      try {
        summary.calls++;
        answers.set(t.providerOrderId, await client.status(t.providerOrderId, { orderId: t.order.id }));
        singleAnswered++;
        singleFailures = 0;
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        // Nothing reached the panel: the remaining orders wait for the next run, untouched.
        if (err.kind === "transient") {
          stop = err;
          break;
        }
        ctx.logger.warn("provider status call failed", {
          provider_id,
          provider: provider.name,
          call: "status order=",
          order_id: t.order.id,
          reason: `${err.kind}: ${err.message}`,
        });
        // Marked and moved to the back of the queue, so that one bad order never blocks the others.
        answers.set(t.providerOrderId, { error: err.message });
        if (++singleFailures >= SINGLE_FAILURES_MAX) {
          stop = err;
          break;
        }
      }
    }
    if (!single && batchUnanswered && singleAnswered > 0) {
      single = true;
      await rememberBatchSupport(ctx, provider_id, false);
      ctx.logger.info("provider does not answer batched status: asking one order at a time", { provider_id, provider: provider.name });
    } else if (!single && !batchUnanswered && row.status_single_since !== null) {
      await rememberBatchSupport(ctx, provider_id, true);
    }
    await applyInBackground(stop ? batch.filter((t) => answers.has(t.providerOrderId)) : batch, answers);
    if (stop) {
      await applied();
      return failed(stop, "status order=");
    }
  }
  await applied();
  await clearProviderFailure(ctx, provider_id, "status");
}

async function rememberBatchSupport(ctx: Ctx, providerId: number, batched: boolean): Promise<void> {
  await ctx.db
    .updateTable("api_providers")
    .set({ status_single_since: batched ? null : dbNow(ctx.clock) })
    .where("id", "=", providerId)
    .execute();
}

/** Whether the panel's answer says what we already know of the order (then only the time of the check is written). */
function sameState(order: KnownOrder, state: ProviderOrderState): boolean {
  return (
    order.status === state.status &&
    (state.remains === undefined || state.remains === order.remains) &&
    (state.startCount === undefined || state.startCount === null || state.startCount === order.start_count)
  );
}

/**
 * Applies one status batch: orders whose answer changes nothing get their check time in one UPDATE;
 * the others change together in one transaction (changeOrderStatuses: a few multi-row statements,
 * each order still a compare-and-set on the state read in it, so one an admin or another worker
 * moved meanwhile is left alone), run again when MySQL picks it as a deadlock's victim; if it still
 * fails, each order is applied on its own. `batch` holds the orders as the run read them, before it
 * asked the panel.
 */
export async function applyStatusBatch(ctx: Ctx, batch: SyncTarget[], answers: Map<string, BatchStatus>, summary: SyncSummary): Promise<void> {
  const now = dbNow(ctx.clock);
  const quiet: number[] = [];
  const changes: { order: KnownOrder; state: ProviderOrderState }[] = [];
  for (const { order, providerOrderId } of batch) {
    summary.checked++;
    const answer = answers.get(providerOrderId);
    if (!answer || "error" in answer) {
      const message = `Status check: ${answer ? answer.error : "missing from the answer"}`.slice(0, 500);
      await ctx.db.updateTable("orders").set({ last_error: message, last_status_sync_at: now }).where("id", "=", order.id).execute();
      continue;
    }
    if (sameState(order, answer)) quiet.push(order.id);
    else changes.push({ order, state: answer });
  }
  if (quiet.length) await ctx.db.updateTable("orders").set({ last_status_sync_at: now }).where("id", "in", quiet).execute();
  if (changes.length === 0) return;
  const tally = (r: { changed: boolean; refunded: number }) => {
    if (r.changed) summary.changed++;
    summary.refunded += r.refunded;
  };
  try {
    const results = await retryDeadlocks(() =>
      changeOrderStatuses(
        ctx,
        changes.map((c) => ({ orderId: c.order.id, change: syncedChange(c.state) })),
        syncGuard(ctx),
      ),
    );
    results.forEach(tally);
    return;
  } catch (err) {
    ctx.logger.warn("order statuses could not be applied together; applying them one by one", { orders: changes.length, error: String(err) });
  }
  for (const c of changes) {
    try {
      tally(await retryDeadlocks(() => applyProviderState(ctx, c.order.id, c.state)));
    } catch (err) {
      ctx.logger.error("order status not applied", { order_id: c.order.id, error: String(err) });
    }
  }
}

/** Second part: open refills with a provider id are checked; an ended refill frees its order for another. */
export async function syncRefills(ctx: Ctx, limit = 200): Promise<{ checked: number; ended: number }> {
  const open = await ctx.db
    .selectFrom("refills")
    .innerJoin("orders", "orders.id", "refills.order_id")
    .select(["refills.id", "refills.provider_refill_id", "orders.provider_id", "orders.id as order_id"])
    .where("refills.open_order_id", "is not", null)
    .where("refills.provider_refill_id", "is not", null)
    .orderBy("refills.updated_at")
    .limit(limit)
    .execute();
  const out = { checked: 0, ended: 0 };
  // A request that died between its claim and the provider's answer must not block refills for ever.
  await ctx.db
    .updateTable("refills")
    .set({ status: "error", open_order_id: null, last_error: "Interrupted before the provider answered", updated_at: dbNow(ctx.clock) })
    .where("open_order_id", "is not", null)
    .where("provider_refill_id", "is", null)
    .where("updated_at", "<", dbNow(ctx.clock, -(ctx.config.PROVIDER_TIMEOUT_MS + 2 * 60_000)))
    .execute();
  const clients = new Map<number, Awaited<ReturnType<typeof clientForProvider>>>();
  for (const r of open) {
    let client = clients.get(r.provider_id);
    if (!client) {
      client = await clientForProvider(ctx, r.provider_id);
      clients.set(r.provider_id, client);
    }
    try {
      const { status } = await client.refillStatus(r.provider_refill_id!, { orderId: r.order_id });
      out.checked++;
      const ended = status === "completed" || status === "rejected" || status === "canceled";
      await ctx.db
        .updateTable("refills")
        .set({ status, updated_at: dbNow(ctx.clock), ...(ended ? { open_order_id: null } : {}) })
        .where("id", "=", r.id)
        .execute();
      if (ended) out.ended++;
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      await ctx.db
        .updateTable("refills")
        .set({ last_error: err.message.slice(0, 500), updated_at: dbNow(ctx.clock) })
        .where("id", "=", r.id)
        .execute();
    }
  }
  return out;
}
