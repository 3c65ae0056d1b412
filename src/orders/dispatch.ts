import { PLATFORM, appSlot, withTransaction, type Ctx } from "../context.ts";
import { retryDeadlocks, retryWhileUnavailable } from "../db/errors.ts";
import { prepared } from "../db/prepared.ts";
import { dbNow } from "../lib/time.ts";
import { providerClient, ProviderError, type BlockCause } from "../providers/client.ts";
import { writeProviderLogs, type ProviderLogRow } from "../providers/log.ts";
import { addFieldsOf } from "./fields.ts";
import { changeOrderStatus } from "./transitions.ts";
import { closeIncident, HOLD_RETRY_MS, holdLimitMs, holdProviderOrders, openIncident, refundExpiredHolds } from "./holds.ts";
import { onPlatform } from "../tenancy/scoped.ts";

/** Attempts before a provider that keeps failing transiently makes us give up (refund + failed). */
export const MAX_DISPATCH_ATTEMPTS = 8;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_MAX_MS = 60 * 60_000;
/** Consecutive transient/unknown failures after which a run stops sending to that provider. */
const BREAKER_THRESHOLD = 3;
/** Calls in flight in one run; a provider gets one at a time until it has answered well once in this run. */
const PARALLEL = 16;
/**
 * Orders claimed together (one transaction): as many as can be in flight, so that an order waits
 * little in `sending` before its call (a crash then holds it as unknown, though it was never sent).
 */
const CLAIM_BATCH = PARALLEL;
/**
 * How long the answers of calls made are kept while the database is unavailable: retried every second
 * for a minute, so that a restart or a moment of read-only leaves no sent order of unknown dispatch.
 */
const SETTLE_PATIENCE = { attempts: 60, delayMs: 1_000 };
/** Kicks made within this window share one run (one claim, one log insert, few settle transactions). */
const KICK_WINDOW_MS = 10;

/** Wait before the next attempt after `attempts` transient failures: 30 s × 2^(n−1), at most an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

type DispatchOutcome = "sent" | "retry" | "held" | "failed" | "unknown" | "skipped";

interface DispatchSummary {
  sent: number;
  retry: number;
  /** Refused for a reason about the provider (funds, key, limits, maintenance): back in the queue, not refunded. */
  held: number;
  failed: number;
  unknown: number;
  skipped: number;
  /** Orders found stuck in `sending` (the process died mid-call) and held for reconciliation. */
  interrupted: number;
  /** Held orders refunded because their provider did not come back within provider_hold_hours. */
  expired: number;
}

type Claimed = Awaited<ReturnType<typeof readClaimed>>[number];

/** What became of one claimed order's call, applied to the database afterwards (settleBatch). */
type CallResult =
  | { order: Claimed; kind: "sent"; providerOrderId: string }
  | { order: Claimed; kind: "transient" | "definite" | "unknown"; message: string }
  | { order: Claimed; kind: "blocked"; cause: BlockCause; message: string }
  /** Never sent (the provider's breaker tripped meanwhile): given back to the queue as it was. */
  | { order: Claimed; kind: "released" };

/** Orders this run may send: platform orders (a storefront customer's order is fulfilled by its platform order), queued and due. */
function dueOrders(ctx: Ctx, now: string) {
  return onPlatform(ctx.db)
    .selectFrom("orders")
    .where("dispatch_state", "=", "queued")
    .where("status", "=", "pending")
    .where((eb) => eb.or([eb("next_attempt_at", "is", null), eb("next_attempt_at", "<=", now)]));
}

/**
 * The orders of `ids` that are ours to send, moved from queued to sending in one transaction
 * committed before any call, so two workers never send the same order. SQLite (BEGIN IMMEDIATE
 * serialises writers): the due ones are read, then moved by one conditional UPDATE. MySQL: one
 * conditional UPDATE per order, by primary key, in id order; a multi-row UPDATE may be planned as a
 * scan of the dispatch_state index, which locks every queued order and deadlocks with placements.
 */
async function claimBatch(ctx: Ctx, ids: number[]): Promise<number[]> {
  const now = dbNow(ctx.clock);
  return withTransaction(ctx, async (tx) => {
    if (tx.dialect === "mysql") {
      const claimed: number[] = [];
      for (const id of ids) if (Number((await claimOne.run(tx.db, now, id)).numAffectedRows) === 1) claimed.push(id);
      return claimed;
    }
    const due = (await dueOrders(tx, now).select("id").where("id", "in", ids).execute()).map((o) => o.id);
    if (due.length === 0) return [];
    const res = await tx.db
      .updateTable("orders")
      .set((eb) => ({ dispatch_state: "sending", dispatch_attempts: eb("dispatch_attempts", "+", 1), updated_at: now }))
      .where("id", "in", due)
      .where("dispatch_state", "=", "queued")
      .where("status", "=", "pending")
      .executeTakeFirst();
    // Nothing else can write meanwhile: anything else is a bug, and rolling back sends nothing.
    if (Number(res.numUpdatedRows) !== due.length) throw new Error(`claimed ${Number(res.numUpdatedRows)} of ${due.length} orders`);
    return due;
  });
}

/** The claim of one order (MySQL): the conditions of dueOrders. */
const claimOne = prepared((db, now: string, id: number) =>
  onPlatform(db)
    .updateTable("orders")
    .set((eb) => ({ dispatch_state: "sending", dispatch_attempts: eb("dispatch_attempts", "+", 1), updated_at: now }))
    .where("id", "=", id)
    .where("dispatch_state", "=", "queued")
    .where("status", "=", "pending")
    .where((eb) => eb.or([eb("next_attempt_at", "is", null), eb("next_attempt_at", "<=", now)])),
);

/** What sending needs of claimed orders, read in one query. */
function readClaimed(ctx: Ctx, ids: number[]) {
  return ctx.db
    .selectFrom("orders")
    .innerJoin("services", "services.id", "orders.service_id")
    .innerJoin("api_providers", "api_providers.id", "orders.provider_id")
    .select([
      "orders.id",
      "orders.provider_id",
      "orders.link",
      "orders.quantity",
      "orders.runs",
      "orders.interval",
      "orders.params",
      "orders.dispatch_attempts",
      "orders.parent_order_id",
      "orders.held_since",
    ])
    .select(["services.type", "services.provider_service_id", "api_providers.url", "api_providers.api_key", "api_providers.is_active"])
    .where("orders.id", "in", ids)
    .orderBy("orders.id")
    .execute();
}

/** Leaves `sending` for another dispatch state; only the claimant's outcome applies. */
async function settle(ctx: Ctx, orderId: number, set: { dispatch_state: "queued" | "unknown"; last_error: string; next_attempt_at?: string }): Promise<void> {
  await ctx.db
    .updateTable("orders")
    .set({ ...set, last_error: set.last_error.slice(0, 500), updated_at: dbNow(ctx.clock) })
    .where("id", "=", orderId)
    .where("dispatch_state", "=", "sending")
    .execute();
}

/** Orders we claimed and made no call for go back to the queue as they were, the attempt not counted. */
async function releaseUnsent(ctx: Ctx, ids: number[]): Promise<void> {
  await ctx.db
    .updateTable("orders")
    .set((eb) => ({ dispatch_state: "queued", dispatch_attempts: eb("dispatch_attempts", "-", 1), updated_at: dbNow(ctx.clock) }))
    .where("id", "in", ids)
    .where("dispatch_state", "=", "sending")
    .execute();
}

/** Refunds the whole charge and fails an order we hold in `sending`: the provider refused it, or we gave up. */
function failSending(ctx: Ctx, orderId: number, reason: string) {
  return changeOrderStatus(
    ctx,
    orderId,
    { status: "failed", error: reason },
    { from: ["pending"], dispatchFrom: ["sending"], set: { dispatch_state: "failed", next_attempt_at: null } },
  );
}

/** One `add` call and its log row; never throws: the failure's kind decides what happens to the order. */
async function send(ctx: Ctx, order: Claimed): Promise<{ result: CallResult; logs: ProviderLogRow[] }> {
  const logs: ProviderLogRow[] = [];
  if (!order.is_active) return { result: { order, kind: "transient", message: "The provider is switched off" }, logs };
  try {
    const client = providerClient(ctx, { id: order.provider_id, url: order.url, apiKey: order.api_key }, { logTo: logs });
    return { result: { order, kind: "sent", providerOrderId: (await client.add(addFieldsOf(order, order), { orderId: order.id })).order }, logs };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!(err instanceof ProviderError)) return { result: { order, kind: "unknown", message }, logs };
    if (err.kind === "blocked") return { result: { order, kind: "blocked", cause: err.blockCause ?? "setup", message }, logs };
    return { result: { order, kind: err.kind, message }, logs };
  }
}

// Once per order sent: built once (prepared.ts).
const markSent = prepared((db, providerOrderId: string, now: string, orderId: number) =>
  db
    .updateTable("orders")
    .set({
      provider_order_id: providerOrderId,
      dispatch_state: "sent",
      status: "processing",
      last_error: null,
      next_attempt_at: null,
      held_since: null,
      updated_at: now,
    })
    .where("id", "=", orderId)
    .where("dispatch_state", "=", "sending"),
);

/** Whether a provider refusal finds the order held past the deadline: then it is refunded instead of held again. */
function holdExpired(tx: Ctx, order: Claimed, holdMs: number): boolean {
  return order.held_since !== null && order.held_since <= dbNow(tx.clock, -holdMs);
}

/** Puts an order the provider refused for a reason about itself back in the queue, held: the attempt does not count. */
async function holdSending(tx: Ctx, order: Claimed, cause: BlockCause, message: string): Promise<void> {
  const now = dbNow(tx.clock);
  await tx.db
    .updateTable("orders")
    .set((eb) => ({
      dispatch_state: "queued",
      dispatch_attempts: eb("dispatch_attempts", "-", 1),
      held_since: order.held_since ?? now,
      next_attempt_at: dbNow(tx.clock, HOLD_RETRY_MS),
      last_error: `Held, the provider refuses orders (${cause}): ${message}`.slice(0, 500),
      updated_at: now,
    }))
    .where("id", "=", order.id)
    .where("dispatch_state", "=", "sending")
    .execute();
}

/**
 * Applies one call's result to an order we hold in `sending`. Success → sent/processing; a definite
 * refusal → refund + failed; a refusal about the provider → queued again, held (refund + failed once
 * held longer than `holdMs`); a transient fault → queued again with backoff (refund + failed after
 * MAX_DISPATCH_ATTEMPTS); an unknown outcome → held as `unknown` for an admin, never re-sent.
 */
async function apply(tx: Ctx, r: CallResult, holdMs: number): Promise<DispatchOutcome> {
  const { order } = r;
  switch (r.kind) {
    case "sent":
      await markSent.run(tx.db, r.providerOrderId, dbNow(tx.clock), order.id);
      // Only a storefront chain's platform order (it has a parent) has a customer order to bring along.
      if (order.parent_order_id !== null) await tx.events.orderChanged(tx, order.id);
      return "sent";
    case "released":
      await releaseUnsent(tx, [order.id]);
      return "skipped";
    case "definite":
      await failSending(tx, order.id, `Refused by the provider: ${r.message}`);
      return "failed";
    case "blocked":
      if (holdExpired(tx, order, holdMs)) {
        await failSending(tx, order.id, `Refunded: the provider refused orders for more than ${holdMs / 3_600_000} h (${r.cause}): ${r.message}`);
        return "failed";
      }
      await holdSending(tx, order, r.cause, r.message);
      return "held";
    case "transient":
      if (order.dispatch_attempts >= MAX_DISPATCH_ATTEMPTS) {
        await failSending(tx, order.id, `Gave up after ${order.dispatch_attempts} attempts: ${r.message}`);
        return "failed";
      }
      await settle(tx, order.id, { dispatch_state: "queued", last_error: r.message, next_attempt_at: dbNow(tx.clock, backoffMs(order.dispatch_attempts)) });
      return "retry";
    case "unknown":
      await settle(tx, order.id, { dispatch_state: "unknown", last_error: `Outcome unknown, held for reconciliation: ${r.message}` });
      return "unknown";
  }
}

/**
 * Writes the calls' log rows (one INSERT), then applies their results in one transaction: plain
 * updates first, then refunds by user (so two runs take users' rows in the same order). Every
 * change is a compare-and-set, so a transaction MySQL rolls back to break a deadlock runs again, and
 * if it still fails, each result is applied on its own; one that fails even then leaves its order in
 * `sending`, held as unknown later (never re-sent).
 */
async function settleBatch(ctx: Ctx, results: CallResult[], logs: ProviderLogRow[], summary: DispatchSummary, holdMs: number): Promise<void> {
  // What the provider answered is known only here: a database that blinks (restart, read-only) is waited for.
  await retryWhileUnavailable(() => writeProviderLogs(ctx, logs), SETTLE_PATIENCE);
  const refunds = (r: CallResult) =>
    r.kind === "definite" ||
    (r.kind === "transient" && r.order.dispatch_attempts >= MAX_DISPATCH_ATTEMPTS) ||
    (r.kind === "blocked" && holdExpired(ctx, r.order, holdMs));
  results.sort((a, b) => Number(refunds(a)) - Number(refunds(b)) || a.order.id - b.order.id);
  try {
    const outcomes = await retryWhileUnavailable(
      () =>
        retryDeadlocks(() =>
          withTransaction(ctx, async (tx) => {
            const out: DispatchOutcome[] = [];
            for (const r of results) out.push(await apply(tx, r, holdMs));
            return out;
          }),
        ),
      SETTLE_PATIENCE,
    );
    for (const o of outcomes) summary[o]++;
    return;
  } catch (err) {
    if (results.length === 1) ctx.logger.error("dispatch failed", { order_id: results[0]!.order.id, error: String(err) });
    else ctx.logger.warn("dispatch results could not be applied together; applying them one by one", { orders: results.length, error: String(err) });
  }
  if (results.length === 1) return void summary.skipped++;
  for (const r of results) {
    try {
      summary[await retryDeadlocks(() => withTransaction(ctx, (tx) => apply(tx, r, holdMs)))]++;
    } catch (err) {
      ctx.logger.error("dispatch failed", { order_id: r.order.id, error: String(err) });
      summary.skipped++;
    }
  }
}

/** What one dispatch run learns about providers as it goes. */
interface DispatchRun {
  /** Consecutive transient/unknown failures per provider (the breaker). */
  strikes: Map<number, number>;
  /** provider_hold_hours, in ms. */
  holdMs: number;
  /** Providers that refused an order for a reason about themselves in this run. */
  blocked: Map<number, { cause: BlockCause; message: string }>;
  /** Providers that accepted an order in this run. */
  accepted: Set<number>;
}

/**
 * After a run: a provider that refused for a reason about itself holds its other waiting orders too
 * and opens its incident (the admins are told once); one that accepted an order closes its incident.
 */
async function updateIncidents(ctx: Ctx, run: DispatchRun): Promise<void> {
  for (const [providerId, { cause, message }] of run.blocked) {
    try {
      await retryDeadlocks(() => holdProviderOrders(ctx, providerId));
      await openIncident(ctx, providerId, cause, message);
    } catch (err) {
      ctx.logger.error("provider hold failed", { provider_id: providerId, error: String(err) });
    }
  }
  for (const providerId of run.accepted) {
    if (run.blocked.has(providerId)) continue;
    await closeIncident(ctx, providerId).catch((err) => ctx.logger.error("provider incident close failed", { provider_id: providerId, error: String(err) }));
  }
}

/**
 * Sends claimed orders, PARALLEL calls at a time. A provider gets one call at a time until one has
 * succeeded in this run (so a dead provider costs a few calls, not PARALLEL), and none after
 * BREAKER_THRESHOLD consecutive transient/unknown failures (its orders are released unsent).
 * Results are settled as they come, in small batches, while the other calls are in flight.
 */
async function sendAll(ctx: Ctx, claimed: Claimed[], run: DispatchRun, summary: DispatchSummary): Promise<void> {
  const { strikes } = run;
  const queue = [...claimed];
  const inFlight = new Map<number, number>();
  const warm = new Set<number>();
  const running = new Set<Promise<void>>();
  let results: CallResult[] = [];
  let logs: ProviderLogRow[] = [];
  let settling: Promise<void> | null = null;
  const flush = (): Promise<void> =>
    (settling ??= (async () => {
      // Results that arrive in the same turn of the event loop share a transaction.
      await new Promise((resolve) => setImmediate(resolve));
      while (results.length) {
        const batch = results;
        const batchLogs = logs;
        results = [];
        logs = [];
        await settleBatch(ctx, batch, batchLogs, summary, run.holdMs);
      }
    })()
      .catch((err) => ctx.logger.error("dispatch settle failed", { error: String(err) }))
      .finally(() => {
        settling = null;
        // A result that came while the last batch was finishing.
        if (results.length) void flush();
      }));
  const done = (r: CallResult, callLogs: ProviderLogRow[] = []) => {
    results.push(r);
    logs.push(...callLogs);
    void flush();
  };
  const tripped = (providerId: number) => (strikes.get(providerId) ?? 0) >= BREAKER_THRESHOLD;

  while (queue.length || running.size) {
    for (let i = 0; i < queue.length && running.size < PARALLEL; ) {
      const order = queue[i]!;
      const p = order.provider_id;
      if (tripped(p)) {
        queue.splice(i, 1);
        done({ order, kind: "released" });
        continue;
      }
      if ((inFlight.get(p) ?? 0) >= (warm.has(p) ? PARALLEL : 1)) {
        i++;
        continue;
      }
      queue.splice(i, 1);
      inFlight.set(p, (inFlight.get(p) ?? 0) + 1);
      const call: Promise<void> = send(ctx, order).then(({ result: r, logs: callLogs }) => {
        inFlight.set(p, inFlight.get(p)! - 1);
        if (r.kind === "sent") {
          strikes.set(p, 0);
          warm.add(p);
          run.accepted.add(p);
        } else if (r.kind === "transient" || r.kind === "unknown") strikes.set(p, (strikes.get(p) ?? 0) + 1);
        else if (r.kind === "blocked") {
          // It would refuse the next order the same way: no more calls to it in this run.
          strikes.set(p, BREAKER_THRESHOLD);
          run.blocked.set(p, { cause: r.cause, message: r.message });
        }
        running.delete(call);
        done(r, callLogs);
      });
      running.add(call);
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  while (settling) await settling;
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

/**
 * `smm:dispatch-orders` (and the kick after placement): sends queued orders that are due, claimed
 * CLAIM_BATCH at a time, with a per-provider breaker. `sending` is committed before any call, so a
 * crash mid-call leaves a trace (reconciled, never re-sent).
 */
export async function dispatchOrders(ctx: Ctx, opts: { ids?: number[]; limit?: number } = {}): Promise<DispatchSummary> {
  // Provider calls are never made while a transaction is open.
  if (ctx.db.isTransaction) throw new Error("dispatchOrders runs outside transactions: it calls providers");
  const summary: DispatchSummary = { sent: 0, retry: 0, held: 0, failed: 0, unknown: 0, skipped: 0, interrupted: 0, expired: 0 };
  if (!opts.ids) {
    summary.interrupted = await retryDeadlocks(() => holdInterrupted(ctx));
    summary.expired = await refundExpiredHolds(ctx);
  }
  // A kick names its orders (the claim checks that they are still due); the job looks for due ones.
  const due: { id: number; provider_id: number | null }[] = opts.ids
    ? [...new Set(opts.ids)].sort((a, b) => a - b).map((id) => ({ id, provider_id: null }))
    : await dueOrders(ctx, dbNow(ctx.clock))
        .select(["id", "provider_id"])
        .orderBy("id")
        .limit(opts.limit ?? 500)
        .execute();

  const run: DispatchRun = { strikes: new Map(), holdMs: await holdLimitMs(ctx), blocked: new Map(), accepted: new Set() };
  const { strikes } = run;
  for (let start = 0; start < due.length; start += CLAIM_BATCH) {
    const chunk = due.slice(start, start + CLAIM_BATCH);
    // Orders of a provider whose breaker tripped in an earlier chunk are left queued, unclaimed.
    const open = chunk.filter((o) => o.provider_id === null || (strikes.get(o.provider_id) ?? 0) < BREAKER_THRESHOLD);
    summary.skipped += chunk.length - open.length;
    if (open.length === 0) continue;
    let ids: number[];
    try {
      ids = await retryDeadlocks(() =>
        claimBatch(
          ctx,
          open.map((o) => o.id),
        ),
      );
    } catch (err) {
      ctx.logger.error("dispatch claim failed", { order_ids: open.map((o) => o.id), error: String(err) });
      summary.skipped += open.length;
      continue;
    }
    // Due when looked for, claimed meanwhile by another worker.
    if (!opts.ids) summary.skipped += open.length - ids.length;
    if (ids.length === 0) continue;
    let claimed: Claimed[];
    try {
      claimed = await readClaimed(ctx, ids);
    } catch (err) {
      // Claimed but not sent: given back to the queue (if this fails too, they are held as unknown later).
      ctx.logger.error("dispatch read failed", { order_ids: ids, error: String(err) });
      await retryWhileUnavailable(() => releaseUnsent(ctx, ids), SETTLE_PATIENCE).catch((e) =>
        ctx.logger.error("dispatch release failed", { order_ids: ids, error: String(e) }),
      );
      summary.skipped += ids.length;
      continue;
    }
    const found = new Set(claimed.map((o) => o.id));
    for (const id of ids.filter((id) => !found.has(id))) {
      await settle(ctx, id, { dispatch_state: "unknown", last_error: "The order's service or provider is missing" }).catch((e) =>
        ctx.logger.error("dispatch failed", { order_id: id, error: String(e) }),
      );
      summary.unknown++;
    }
    await sendAll(ctx, claimed, run, summary);
  }
  await updateIncidents(ctx, run);
  return summary;
}

/** One app's kicks: those in flight, and the batch still gathering orders (sent together when its window ends). */
const KICKS = appSlot("dispatch kicks", () => ({ running: new Set<Promise<unknown>>(), waiting: null as { ctx: Ctx; ids: number[] } | null }));

/**
 * Sends freshly placed orders at once, in the background (fire-and-forget); the scheduled job
 * catches whatever this misses (a restart, a provider that was down). Kicks made within
 * KICK_WINDOW_MS are sent together, so a burst of orders costs a few claims, not one each.
 */
export function kickDispatch(ctx: Ctx, orderIds: number[]): void {
  const kicks = ctx.state.get(KICKS);
  if (kicks.waiting) {
    kicks.waiting.ids.push(...orderIds);
    return;
  }
  // Sending is platform work whichever tenant's request placed the order.
  kicks.waiting = { ctx: { ...ctx, user: null, tenant: PLATFORM }, ids: [...orderIds] };
  const run = new Promise<void>((resolve) => setTimeout(resolve, KICK_WINDOW_MS))
    .then(() => {
      const { ctx: batchCtx, ids } = kicks.waiting!;
      kicks.waiting = null;
      return dispatchOrders(batchCtx, { ids });
    })
    .catch((err) => ctx.logger.error("dispatch kick failed", { order_ids: orderIds, error: String(err) }))
    .finally(() => kicks.running.delete(run));
  kicks.running.add(run);
}

/** Resolves once every background kick this app started so far has finished (tests, graceful shutdown). */
export async function settleDispatchKicks(app: Pick<Ctx, "state">): Promise<void> {
  const { running } = app.state.get(KICKS);
  while (running.size > 0) await Promise.allSettled([...running]);
}
