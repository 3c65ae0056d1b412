import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import type { DispatchState, Order, OrderStatus, OrdersTable } from "../db/schema.ts";
import type { Updateable } from "kysely";
import { dbNow } from "../lib/time.ts";
import { totalQuantity } from "../pricing/pricing.ts";
import { notifyOrder } from "./notices.ts";
import { openCommissions } from "./referrals.ts";
import { refundUpTo } from "./refunds.ts";
import { isNotice, statusRefund } from "./statuses.ts";
import { orderLabel } from "./numbers.ts";

/** Units the provider delivers for the order (all drip-feed runs). */
export function unitsOf(order: Pick<Order, "quantity" | "runs">): number {
  return totalQuantity(order.quantity, order.runs);
}

interface StatusChange {
  status: OrderStatus;
  remains?: number | null;
  startCount?: number | null;
  /** Stored as last_error when given (e.g. why the order failed). */
  error?: string | null;
}

export interface StatusGuard {
  /** Only an order in one of these statuses moves. */
  from: readonly OrderStatus[];
  /** …and, when given, in one of these dispatch states. */
  dispatchFrom?: readonly DispatchState[];
  /** Other columns to set with the status (e.g. dispatch_state). */
  set?: Updateable<OrdersTable>;
}

interface ChangeResult {
  changed: boolean;
  /** Credited back to the user by this change. */
  refunded: number;
  from: OrderStatus | null;
}

/**
 * Moves an order to a status, in one transaction: a compare-and-set on the status (so a change
 * applies once, whoever else tries), then what the new status owes — the refund (full for
 * canceled/refunded/failed, pro rata of the remains for partial), the referral commissions opened
 * (completed, and partial on the part delivered) — and the owner's notification.
 * Only an order that passes the guard moves. `known`: the order as the caller just read it (the
 * compare-and-set on status and dispatch state makes a stale one change nothing).
 */
export async function changeOrderStatus(ctx: Ctx, orderId: number, change: StatusChange, guard: StatusGuard, known?: Order): Promise<ChangeResult> {
  return withTransaction(ctx, async (tx) => {
    // A caller that read the order (status sync, a batch at a time) passes it: the compare-and-set below still decides.
    const order = known ?? (await tx.db.selectFrom("orders").selectAll().where("id", "=", orderId).executeTakeFirstOrThrow());
    const unchanged = { changed: false, refunded: 0, from: order.status };
    if (!guard.from.includes(order.status)) return unchanged;
    if (guard.dispatchFrom && !guard.dispatchFrom.includes(order.dispatch_state)) return unchanged;
    const now = dbNow(tx.clock);
    const remains = change.remains === undefined ? order.remains : change.remains;
    const patch: Updateable<OrdersTable> = { ...guard.set, status: change.status, remains, updated_at: now };
    if (change.startCount !== undefined && change.startCount !== null) patch.start_count = change.startCount;
    if (change.error !== undefined) patch.last_error = change.error?.slice(0, 500) ?? null;
    const finishing = change.status === "completed" || change.status === "partial";
    if (finishing && !order.completed_at) patch.completed_at = now;
    if (change.status === "partial" && remains === null) patch.last_error = "Partial without remains: check and refund by hand";
    const moved = await tx.db
      .updateTable("orders")
      .set(patch)
      .where("id", "=", orderId)
      .where("status", "=", order.status)
      .where("dispatch_state", "=", order.dispatch_state)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) return unchanged;
    // Only a storefront chain's platform order (it has a parent) has a customer order to bring along.
    const announce = () => (order.parent_order_id !== null ? tx.events.orderChanged(tx, orderId) : undefined);
    // Same status, new remains or start count: a storefront customer's order behind it follows.
    if (change.status === order.status) {
      await announce();
      return unchanged;
    }

    const target = statusRefund(order, change.status, remains);
    const refunded = target > 0 ? await refundUpTo(tx, orderId, target, `Refund of order ${orderLabel(order)} (${change.status})`) : 0;
    if (finishing) await openCommissions(tx, orderId);
    if (isNotice(change.status)) await notifyOrder(tx, { ...order, remains }, change.status, refunded);
    await announce();
    return { changed: true, refunded, from: order.status };
  });
}
