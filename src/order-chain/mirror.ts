import type { Updateable } from "kysely";
import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import type { Order, OrdersTable } from "../db/schema.ts";
import { dbNow } from "../lib/time.ts";
import { mulDiv, roundDownToMinor } from "../money/money.ts";
import { notifyOrder } from "../orders/notices.ts";
import { refundUpTo } from "../orders/refunds.ts";
import { isClosed, isNotice, statusRefund } from "../orders/statuses.ts";
import { orderLabel } from "../orders/numbers.ts";

/**
 * What the customer gets back in all: the same proportion of their own charge as the platform
 * order's status gives the reseller; when the reseller was refunded beyond that (an admin's partial
 * refund), the same share of the customer's charge as the reseller got of its cost, rounded down to
 * the customer order's minor unit (a refund).
 */
function customerRefundTarget(
  customer: Pick<Order, "charge" | "quantity" | "runs" | "currency">,
  platform: Pick<Order, "charge" | "refunded" | "quantity" | "runs" | "status" | "remains" | "currency">,
): number {
  const target = statusRefund(customer, platform.status, platform.remains);
  const platformCharge = Number(platform.charge);
  if (platformCharge <= 0 || Number(platform.refunded) <= statusRefund(platform, platform.status, platform.remains)) return target;
  const share = Math.min(Number(customer.charge), mulDiv(Number(customer.charge), Number(platform.refunded), platformCharge));
  return Math.max(target, share === Number(customer.charge) ? share : roundDownToMinor(share, customer.currency));
}

/**
 * The storefront chain's subscriber to `ctx.events.orderChanged` (registered in src/app/events.ts):
 * called, in the caller's transaction, whenever a platform order's status, remains, start count or
 * refunds may have changed. When the order fulfils a site customer's order, that order is brought
 * to the same state: status, remains, start count, completion time, and its refund (each refund
 * exactly once: refundUpTo moves `refunded` with a compare-and-set). It mirrors state rather than replaying events, so calling it
 * twice, or late, is harmless. Any other order is left alone after one indexed look-up.
 */
export async function onPlatformOrderChanged(ctx: Ctx, platformOrderId: number): Promise<void> {
  const link = await ctx.db.selectFrom("site_orders").select("customer_order_id").where("platform_order_id", "=", platformOrderId).executeTakeFirst();
  if (!link) return;
  await withTransaction(ctx, async (tx) => {
    const platform = await tx.db.selectFrom("orders").selectAll().where("id", "=", platformOrderId).executeTakeFirstOrThrow();
    const customer = await tx.db.selectFrom("orders").selectAll().where("id", "=", link.customer_order_id).executeTakeFirstOrThrow();

    const patch: Updateable<OrdersTable> = {};
    const moves = platform.status !== customer.status && !isClosed(customer.status);
    if (moves) patch.status = platform.status;
    if (platform.remains !== customer.remains) patch.remains = platform.remains;
    if (platform.start_count !== null && platform.start_count !== customer.start_count) patch.start_count = platform.start_count;
    if (platform.completed_at && !customer.completed_at) patch.completed_at = platform.completed_at;
    if (Object.keys(patch).length) {
      const res = await tx.db
        .updateTable("orders")
        .set({ ...patch, updated_at: dbNow(tx.clock) })
        .where("id", "=", customer.id)
        .where("status", "=", customer.status)
        .executeTakeFirst();
      // The platform order's row lock serializes its changes, so this only fails on a bug: roll back rather than diverge.
      if (Number(res.numUpdatedRows) !== 1) throw new Error(`customer order ${customer.id} changed while mirroring platform order ${platformOrderId}`);
    }

    const target = customerRefundTarget(customer, platform);
    const refunded =
      target > Number(customer.refunded) ? await refundUpTo(tx, customer.id, target, `Refund of order ${orderLabel(customer)} (${platform.status})`) : 0;

    const notice = moves && isNotice(platform.status) ? platform.status : refunded > 0 ? "refunded" : null;
    if (notice) await notifyOrder(tx, { ...customer, remains: platform.remains }, notice, refunded);
  });
}
