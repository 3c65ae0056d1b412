import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import { sql } from "kysely";
import { dbNow } from "../lib/time.ts";
import { credit, creditEach } from "../wallet/ledger.ts";
import { clawBackCommissions, ordersWithCommissions } from "./referrals.ts";

/** What a refund may credit now: what the caller wants, never past the charge. */
const refundDue = (charge: number, refunded: number, wanted: number) => Math.min(wanted, charge - refunded);

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
    const amount = refundDue(charge, already, amountOf(charge, already));
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

/**
 * refundUpTo for a batch of orders (a status sync's batch), in one transaction and a few statements:
 * the orders' `refunded` moved by one compare-and-set UPDATE (each row only from the value read; any
 * row that moved meanwhile fails the whole batch rather than pay twice), the credits through
 * creditEach (grouped per user, each ledger row with its own balance_after), then, per order as in
 * refund(), the clawback of the few orders that have commissions and the chain's event. Returns what
 * was credited now for each order.
 */
export async function refundEachUpTo(ctx: Ctx, items: readonly { orderId: number; target: number; description: string }[]): Promise<Map<number, number>> {
  const done = new Map<number, number>();
  if (items.length === 0) return done;
  return withTransaction(ctx, async (tx) => {
    const orders = new Map(
      (
        await tx.db
          .selectFrom("orders")
          .select(["id", "user_id", "charge", "refunded", "parent_order_id"])
          .where(
            "id",
            "in",
            items.map((i) => i.orderId),
          )
          .execute()
      ).map((o) => [o.id, o]),
    );
    const due = items.flatMap((i) => {
      const order = orders.get(i.orderId);
      if (!order) throw new Error(`order ${i.orderId} not found`);
      const amount = refundDue(Number(order.charge), Number(order.refunded), i.target - Number(order.refunded));
      return amount > 0 ? [{ ...i, order, amount }] : [];
    });
    if (due.length === 0) return done;
    const byId = (pick: (d: (typeof due)[number]) => number) =>
      sql<number>`case id ${sql.join(
        due.map((d) => sql`when ${d.orderId} then ${pick(d)}`),
        sql` `,
      )} end`;
    const moved = await tx.db
      .updateTable("orders")
      .set({ refunded: byId((d) => Number(d.order.refunded) + d.amount), updated_at: dbNow(tx.clock) })
      .where(
        "id",
        "in",
        due.map((d) => d.orderId),
      )
      .where(
        "refunded",
        "=",
        byId((d) => Number(d.order.refunded)),
      )
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== due.length) throw new Error(`orders of a refund batch were refunded concurrently`);
    await creditEach(
      tx,
      due.map((d) => ({ userId: d.order.user_id, amount: d.amount, type: "refund" as const, orderId: d.orderId, description: d.description })),
    );
    for (const orderId of await ordersWithCommissions(
      tx,
      due.map((d) => d.orderId),
    ))
      await clawBackCommissions(tx, orderId);
    for (const d of due) {
      if (d.order.parent_order_id !== null) await tx.events.orderChanged(tx, d.orderId);
      done.set(d.orderId, d.amount);
    }
    return done;
  });
}
