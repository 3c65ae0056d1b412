import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import type { Ctx } from "../context.ts";
import type { RefillsTable } from "../db/schema.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { AppError, Conflict, Unavailable } from "../core/errors.ts";
import { dbNow } from "../lib/time.ts";
import { clientForProvider, ProviderError } from "../providers/client.ts";
import { userOrder, type OrderRow } from "./service.ts";
import { applyProviderState } from "./sync.ts";
import { changeOrderStatus, unitsOf } from "./transitions.ts";
import { cancelOpen, refillOpen } from "./view.ts";

export type Refill = Selectable<RefillsTable>;

const refused = (message: string, code: string) => new AppError(422, code, message);

/**
 * A provider failure as the customer sees it: never the panel's own text, which may name the panel
 * behind a reseller's brand (admins read it in provider_logs and refills.last_error).
 */
function providerTrouble(err: ProviderError, what: "refill" | "cancel"): AppError {
  const noun = what === "refill" ? "refill" : "cancellation";
  if (err.kind === "definite") return refused(`The ${noun} was refused for this order`, `${what}_refused`);
  return new Unavailable(`The ${noun} cannot be requested right now; please try again later`, "provider_unavailable");
}

/**
 * Asks the provider to refill one of the caller's orders: Completed or Partial, of a refill service,
 * within its refill window, one open refill at a time (a unique claim on the order decides, so two
 * concurrent requests cannot both open one). Records the refill with the provider's id.
 */
export async function requestRefill(ctx: Ctx, uuid: string): Promise<Refill> {
  const order = await userOrder(ctx, uuid);
  if (!order.service_refill) throw refused("This service does not offer refills", "refill_not_available");
  if (order.status !== "completed" && order.status !== "partial") throw refused("Only completed or partial orders can be refilled", "refill_not_available");
  if (!refillOpen(order, ctx.clock.now())) throw refused(`The refill window (${order.refill_days ?? 0} days after completion) is over`, "refill_window_over");

  const now = dbNow(ctx.clock);
  const refillUuid = randomUUID();
  let refillId: number;
  try {
    const res = await ctx.db
      .insertInto("refills")
      .values({
        uuid: refillUuid,
        order_id: order.id,
        open_order_id: order.id,
        status: "requested",
        provider_refill_id: null,
        last_error: null,
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
    refillId = Number(res.insertId);
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict("A refill of this order is already in progress", "refill_in_progress");
    throw err;
  }

  const client = await clientForProvider(ctx, order.provider_id);
  try {
    const { refill } = await client.refill(order.provider_order_id!, { orderId: order.id });
    await ctx.db
      .updateTable("refills")
      .set({ provider_refill_id: refill, status: "pending", updated_at: dbNow(ctx.clock) })
      .where("id", "=", refillId)
      .execute();
  } catch (err) {
    // Refills move no money: a failed request closes its claim so that the user may ask again.
    const message = err instanceof Error ? err.message : String(err);
    await ctx.db
      .updateTable("refills")
      .set({ status: "error", open_order_id: null, last_error: message.slice(0, 500), updated_at: dbNow(ctx.clock) })
      .where("id", "=", refillId)
      .execute();
    if (err instanceof ProviderError) throw providerTrouble(err, "refill");
    throw err;
  }
  return ctx.db.selectFrom("refills").selectAll().where("id", "=", refillId).executeTakeFirstOrThrow();
}

export interface CancelResult {
  order: OrderRow;
  /** True when the provider accepted and the refund waits for it to report Canceled. */
  awaitingProvider: boolean;
}

/**
 * Cancels one of the caller's orders where the service allows it. Never sent → canceled and refunded
 * at once. Sent and still pending at the provider → the provider is asked; the refund comes when it
 * reports Canceled (checked straight away, and by smm:sync-orders).
 */
export async function cancelOrder(ctx: Ctx, uuid: string): Promise<CancelResult> {
  const order = await userOrder(ctx, uuid);
  if (!order.service_cancel) throw refused("This service does not allow cancellation", "cancel_not_available");
  if (order.dispatch_state === "sending" || order.dispatch_state === "unknown")
    throw new Conflict("The order is being sent to the provider; try again in a moment", "order_being_sent");
  if (!cancelOpen(order)) throw refused("Only orders still pending can be canceled", "cancel_not_available");

  if (order.dispatch_state === "queued") {
    const r = await changeOrderStatus(
      ctx,
      order.id,
      { status: "canceled", remains: unitsOf(order), error: "Canceled by the customer before dispatch" },
      { from: ["pending"], dispatchFrom: ["queued"], set: { dispatch_state: "failed", next_attempt_at: null } },
    );
    if (!r.changed) throw new Conflict("The order is being sent to the provider; try again in a moment", "order_being_sent");
    return { order: await userOrder(ctx, uuid), awaitingProvider: false };
  }

  const client = await clientForProvider(ctx, order.provider_id);
  let results: Awaited<ReturnType<typeof client.cancel>>;
  try {
    results = await client.cancel([order.provider_order_id!], { orderId: order.id });
  } catch (err) {
    if (err instanceof ProviderError) throw providerTrouble(err, "cancel");
    throw err;
  }
  const mine = results[0];
  if (!mine?.ok) {
    ctx.logger.warn("cancellation refused by the provider", { order_id: order.id, error: mine?.error ?? "no answer" });
    await ctx.db
      .updateTable("orders")
      .set({ last_error: `Cancellation refused by the provider: ${mine?.error ?? "no answer"}`.slice(0, 500) })
      .where("id", "=", order.id)
      .execute();
    throw refused("The cancellation was refused for this order", "cancel_refused");
  }
  try {
    await applyProviderState(ctx, order.id, await client.status(order.provider_order_id!, { orderId: order.id }));
  } catch (err) {
    // The scheduled sync will see the cancellation; the request itself succeeded.
    if (!(err instanceof ProviderError)) throw err;
  }
  const after = await userOrder(ctx, uuid);
  return { order: after, awaitingProvider: after.status !== "canceled" };
}
