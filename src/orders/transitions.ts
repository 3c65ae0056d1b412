import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import type { DispatchState, Order, OrderStatus, OrdersTable } from "../db/schema.ts";
import { sql, type RawBuilder, type Updateable } from "kysely";
import { dbNow } from "../lib/time.ts";
import { totalQuantity } from "../pricing/pricing.ts";
import { lockBalances } from "../wallet/ledger.ts";
import { notifyOrder, notifyOrders } from "./notices.ts";
import { openCommissions, openCommissionsEach } from "./referrals.ts";
import { refundEachUpTo, refundUpTo } from "./refunds.ts";
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

/** The columns a status change writes on an order that passed the guard (one rule for one order and for a batch). */
function statusPatch(order: Order, change: StatusChange, guard: StatusGuard, now: string): Updateable<OrdersTable> {
  const remains = change.remains === undefined ? order.remains : change.remains;
  const patch: Updateable<OrdersTable> = { ...guard.set, status: change.status, remains, updated_at: now };
  if (change.startCount !== undefined && change.startCount !== null) patch.start_count = change.startCount;
  if (change.error !== undefined) patch.last_error = change.error?.slice(0, 500) ?? null;
  if (isFinishing(change.status) && !order.completed_at) patch.completed_at = now;
  if (change.status === "partial" && remains === null) patch.last_error = "Partial without remains: check and refund by hand";
  return patch;
}

const isFinishing = (status: OrderStatus) => status === "completed" || status === "partial";
const passes = (order: Order, guard: StatusGuard) =>
  guard.from.includes(order.status) && (!guard.dispatchFrom || guard.dispatchFrom.includes(order.dispatch_state));
const refundNote = (order: Order, status: OrderStatus) => `Refund of order ${orderLabel(order)} (${status})`;

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
    if (!passes(order, guard)) return unchanged;
    const patch = statusPatch(order, change, guard, dbNow(tx.clock));
    const remains = patch.remains as number | null;
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
    const refunded = target > 0 ? await refundUpTo(tx, orderId, target, refundNote(order, change.status)) : 0;
    if (isFinishing(change.status)) await openCommissions(tx, orderId);
    if (isNotice(change.status)) await notifyOrder(tx, { ...order, remains }, change.status, refunded);
    await announce();
    return { changed: true, refunded, from: order.status };
  });
}

/**
 * changeOrderStatus for a batch of orders (a status sync's answers), in one transaction and a few
 * statements instead of a few per order: the orders read and locked, their payers' rows locked (in id
 * order), every move in one compare-and-set UPDATE (each row only from the status and dispatch state
 * read), then the refunds, commissions and notifications of the batch each in their batched form.
 * The same rules apply as one by one: an order that fails the guard, or moved meanwhile, does not
 * move; if the UPDATE finds fewer rows than it read, the whole batch rolls back (the caller may then
 * apply the orders one by one). Results are in input order.
 */
export async function changeOrderStatuses(
  ctx: Ctx,
  changes: readonly { orderId: number; change: StatusChange }[],
  guard: StatusGuard,
): Promise<Omit<ChangeResult, "from">[]> {
  if (changes.length === 0) return [];
  return withTransaction(ctx, async (tx) => {
    const ids = changes.map((c) => c.orderId);
    let read = tx.db.selectFrom("orders").selectAll().where("id", "in", ids).orderBy("id");
    // On MariaDB the rows stay as read until commit; SQLite's transaction holds the write lock already.
    if (tx.dialect === "mysql") read = read.forUpdate();
    const orders = new Map((await read.execute()).map((o) => [o.id, o]));
    await lockBalances(
      tx,
      [...orders.values()].map((o) => o.user_id),
    );
    const now = dbNow(tx.clock);
    const moving = changes.flatMap(({ orderId, change }) => {
      const order = orders.get(orderId);
      return order && passes(order, guard) ? [{ order, change, patch: statusPatch(order, change, guard, now) }] : [];
    });
    const results = new Map<number, Omit<ChangeResult, "from">>();
    if (moving.length) {
      await moveEach(tx, moving);
      const ended = moving.filter((m) => m.change.status !== m.order.status);
      const refunds = await refundEachUpTo(
        tx,
        ended.flatMap(({ order, change, patch }) => {
          const target = statusRefund(order, change.status, patch.remains as number | null);
          return target > 0 ? [{ orderId: order.id, target, description: refundNote(order, change.status) }] : [];
        }),
      );
      await openCommissionsEach(
        tx,
        ended.filter((m) => isFinishing(m.change.status)).map((m) => m.order.id),
      );
      await notifyOrders(
        tx,
        ended.flatMap(({ order, change, patch }) =>
          isNotice(change.status)
            ? [{ order: { ...order, remains: patch.remains as number | null }, kind: change.status, refunded: refunds.get(order.id) ?? 0 }]
            : [],
        ),
      );
      for (const { order, change } of moving) {
        if (order.parent_order_id !== null) await tx.events.orderChanged(tx, order.id);
        results.set(order.id, { changed: change.status !== order.status, refunded: refunds.get(order.id) ?? 0 });
      }
    }
    return changes.map((c) => results.get(c.orderId) ?? { changed: false, refunded: 0 });
  });
}

/** One UPDATE for every move of a batch: each column set per row (`CASE id …`), each row a compare-and-set on what was read. */
async function moveEach(ctx: Ctx, moving: readonly { order: Order; patch: Updateable<OrdersTable> }[]): Promise<void> {
  const byId = <T>(value: (m: (typeof moving)[number]) => unknown, otherwise: RawBuilder<unknown> = sql`null`) =>
    sql<T>`case id ${sql.join(
      moving.map((m) => sql`when ${m.order.id} then ${value(m)}`),
      sql` `,
    )} else ${otherwise} end`;
  const columns = [...new Set(moving.flatMap((m) => Object.keys(m.patch)))] as (keyof OrdersTable & string)[];
  const set = Object.fromEntries(
    columns.map((col) => [
      col,
      // A column some moves leave alone keeps its value on their rows.
      byId((m) => (col in m.patch ? m.patch[col as keyof typeof m.patch] : sql.ref(col)), sql.ref(col)),
    ]),
  );
  const moved = await ctx.db
    .updateTable("orders")
    .set(set)
    .where(
      "id",
      "in",
      moving.map((m) => m.order.id),
    )
    .where(
      "status",
      "=",
      byId<OrderStatus>((m) => m.order.status),
    )
    .where(
      "dispatch_state",
      "=",
      byId<DispatchState>((m) => m.order.dispatch_state),
    )
    .executeTakeFirst();
  // Another writer moved one of them between our read and this UPDATE: roll the batch back rather than act on a stale read.
  if (Number(moved.numUpdatedRows) !== moving.length) throw new Error(`orders of a status batch changed meanwhile`);
}
