import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import { dbNow } from "../lib/time.ts";
import { credit } from "../wallet/ledger.ts";
import { clawBackCommissions } from "./referrals.ts";

/**
 * Every refund of an order goes through here: the order's `refunded` column moves with a
 * compare-and-set UPDATE (never past the charge) in the same transaction as the ledger credit, so
 * that a refund happens once however many workers, syncs or admins try. Commissions paid on the
 * order are then clawed back down to what it still earns.
 */
async function refund(ctx: Ctx, orderId: number, amountOf: (charge: number, refunded: number) => number, description: string): Promise<number> {
  return withTransaction(ctx, async (tx) => {
    const order = await tx.db
      .selectFrom("orders")
      .select(["id", "user_id", "charge", "refunded", "parent_order_id"])
      .where("id", "=", orderId)
      .executeTakeFirstOrThrow();
    const charge = Number(order.charge);
    const already = Number(order.refunded);
    const amount = Math.min(amountOf(charge, already), charge - already);
    if (amount <= 0) return 0;
    const moved = await tx.db
      .updateTable("orders")
      .set({ refunded: already + amount, updated_at: dbNow(tx.clock) })
      .where("id", "=", orderId)
      .where("refunded", "=", order.refunded)
      .executeTakeFirst();
    // Another refund of this order committed in between: give up this one rather than pay twice.
    if (Number(moved.numUpdatedRows) !== 1) throw new Error(`order ${orderId} was refunded concurrently`);
    await credit(tx, { userId: order.user_id, amount, type: "refund", orderId, description });
    await clawBackCommissions(tx, orderId);
    // Subscribers (the storefront chain) refund a site customer's order fulfilled by this one (its parent) in the same proportion, in this transaction.
    if (order.parent_order_id !== null) await tx.events.orderChanged(tx, orderId);
    return amount;
  });
}

/** Refunds whatever is needed for the order's total refund to reach `target` (capped at the charge). Returns what was credited now. */
export function refundUpTo(ctx: Ctx, orderId: number, target: number, description: string): Promise<number> {
  return refund(ctx, orderId, (_charge, refunded) => target - refunded, description);
}

/** Refunds exactly `amount` (the caller checked it against charge − refunded; a race makes it fail, not overpay). */
export async function refundExactly(ctx: Ctx, orderId: number, amount: number, description: string): Promise<number> {
  const done = await refund(ctx, orderId, () => amount, description);
  if (done !== amount) throw new Error(`order ${orderId}: could refund ${done}, not ${amount}`);
  return done;
}
