import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import { writeAudit } from "../audit/audit.ts";
import { AppError, Conflict, Validation } from "../core/errors.ts";
import { offsetOf, type Page } from "../core/pagination.ts";
import { dbNow, DAY, fromDbTime, toDbTime } from "../lib/time.ts";
import { formatMoney } from "../money/money.ts";
import { REDACTED } from "../providers/log.ts";
import { openProviderKey } from "../providers/provider-key.ts";
import { kickDispatch } from "./dispatch.ts";
import { notifyOrder } from "./notices.ts";
import { refundExactly } from "./refunds.ts";
import { requireWholeMinor } from "../wallet/amounts.ts";
import type { AdminOrdersQuery, AdminRefundInput, AdminStatusInput, ReconcileInput } from "./schema.ts";
import { ordersWithService, tenantOrder } from "./service.ts";
import { likeContaining } from "../lib/sql-like.ts";
import { changeOrderStatus, unitsOf, type StatusGuard } from "./transitions.ts";
import { CLOSED_STATUSES, statusRefund } from "./statuses.ts";
import type { AdminOrderRow } from "./view.ts";
import { forTenant, inTenant } from "../tenancy/scoped.ts";
import type { ExpressionBuilder } from "kysely";
import type { Database, Order } from "../db/schema.ts";
import { orderLabel, parseOrderRef } from "./numbers.ts";

/** The tenant's orders for admins, with filters; newest first. */
export async function listAdminOrders(ctx: Ctx, q: AdminOrdersQuery): Promise<Page<AdminOrderRow>> {
  let base = inTenant(ctx).selectFrom("orders");
  if (q.status) base = base.where("orders.status", "=", q.status);
  if (q.dispatch_state === "held") base = base.where("orders.dispatch_state", "=", "queued").where("orders.held_since", "is not", null);
  else if (q.dispatch_state) base = base.where("orders.dispatch_state", "=", q.dispatch_state);
  if (q.site_id) base = base.where("orders.id", "in", forTenant(ctx.db, q.site_id).selectFrom("site_orders").select("site_orders.platform_order_id"));
  if (q.user_id) base = base.where("orders.user_id", "=", q.user_id);
  if (q.user) {
    const who = q.user;
    const users = inTenant(ctx)
      .selectFrom("users")
      .select("users.id")
      .where((eb) => eb.or([eb("users.username", "=", who), eb("users.email", "=", who.toLowerCase())]));
    base = base.where("orders.user_id", "in", users);
  }
  if (q.service_id) base = base.where("orders.service_id", "=", q.service_id);
  if (q.provider_id) base = base.where("orders.provider_id", "=", q.provider_id);
  if (q.from) base = base.where("orders.created_at", ">=", `${q.from} 00:00:00.000`);
  if (q.to) base = base.where("orders.created_at", "<", toDbTime(new Date(fromDbTime(`${q.to} 00:00:00.000`).getTime() + DAY)));
  if (q.search) base = base.where(orderSearch(q.search));
  // The exact total and the page's ids are independent reads: on a large table each is an index scan, run side by side.
  // A search by a piece of a link matches rows no index finds: its matches are read first, in table
  // order (a derived table with a LIMIT is never merged into the outer query), then sorted. Ordered
  // newest first directly, MariaDB walks the date index backwards and reads every row for its link
  // (50 s over 1,100,000 orders against about one for the scan).
  const newestFirst: Promise<{ id: number }[]> =
    q.search && !isExactRef(q.search)
      ? ctx.db
          .selectFrom(base.select(["orders.id", "orders.created_at"]).limit(ALL_MATCHES).as("matches"))
          .select("matches.id")
          .orderBy("matches.created_at", "desc")
          .orderBy("matches.id", "desc")
          .limit(q.per_page)
          .offset(offsetOf(q))
          .execute()
      : base.select("orders.id").orderBy("orders.created_at", "desc").orderBy("orders.id", "desc").limit(q.per_page).offset(offsetOf(q)).execute();
  const [count, page] = await Promise.all([base.select((e) => e.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(), newestFirst]);
  const ids = page.map((r) => r.id);
  const rows = ids.length
    ? await withPeople(ctx).where("orders.id", "in", ids).orderBy("orders.created_at", "desc").orderBy("orders.id", "desc").execute()
    : [];
  return { rows, total: Number(count.n), page: q.page, per_page: q.per_page };
}

/** More than any search matches: the LIMIT that keeps the matches a derived table of their own. */
const ALL_MATCHES = 1_000_000_000;

/** A search that names one order by its uuid, found by its unique index. */
function isExactRef(search: string): boolean {
  const ref = parseOrderRef(search);
  return ref !== null && !("number" in ref);
}

/** The number an order is known by (`#1234`), its uuid, or a piece of its link. */
function orderSearch(search: string) {
  const ref = parseOrderRef(search);
  return (eb: ExpressionBuilder<Database, "orders">) =>
    !ref
      ? likeContaining(search)("orders.link")
      : "number" in ref
        ? eb.or([eb("orders.number", "=", ref.number), likeContaining(search)("orders.link")])
        : eb("orders.uuid", "=", ref.uuid);
}

function withPeople(ctx: Ctx) {
  return ordersWithService(ctx)
    .leftJoin("users", "users.id", "orders.user_id")
    .leftJoin("api_providers", "api_providers.id", "orders.provider_id")
    .select(["users.username", "users.email", "api_providers.name as provider_name"]);
}

async function adminOrder(ctx: Ctx, id: number): Promise<AdminOrderRow> {
  await tenantOrder(ctx, id);
  return withPeople(ctx).where("orders.id", "=", id).executeTakeFirstOrThrow();
}

/** One order with its provider calls (keys redacted), ledger rows, refills and referral commissions. */
export async function adminOrderDetail(ctx: Ctx, id: number) {
  const order = await adminOrder(ctx, id);
  const stored = (await ctx.db.selectFrom("api_providers").select("api_key").where("id", "=", order.provider_id).executeTakeFirst())?.api_key ?? "";
  const key = openProviderKey(ctx.config, stored);
  // The client stores logs redacted already; scrubbing again costs nothing and survives a careless writer.
  const scrub = (s: string | null) => (s === null || key.length < 4 ? s : s.split(key).join(REDACTED));
  const logs = await ctx.db.selectFrom("provider_logs").selectAll().where("order_id", "=", id).orderBy("id").execute();
  const transactions = await ctx.db
    .selectFrom("transactions")
    .select(["id", "uuid", "user_id", "type", "amount", "status", "description", "created_at"])
    .where("order_id", "=", id)
    .orderBy("id")
    .execute();
  const refills = await ctx.db.selectFrom("refills").selectAll().where("order_id", "=", id).orderBy("id").execute();
  const commissions = await ctx.db.selectFrom("referral_commissions").selectAll().where("order_id", "=", id).orderBy("level").execute();
  // What staff did to the order (status, refunds, reconciliation), with who did it: the order's history beside its provider calls.
  const audit = await inTenant(ctx)
    .selectFrom("audit_logs")
    .leftJoin("users", "users.id", "audit_logs.actor_id")
    .select(["audit_logs.id", "audit_logs.action", "audit_logs.data", "audit_logs.created_at", "users.username as actor"])
    .where("audit_logs.target_type", "=", "order")
    .where("audit_logs.target_id", "=", String(id))
    .orderBy("audit_logs.id")
    .execute();
  return {
    order,
    audit,
    logs: logs.map((l) => ({ ...l, request: scrub(l.request), response: scrub(l.response), error: scrub(l.error) })),
    transactions,
    refills,
    commissions,
  };
}

/**
 * What setting the order's status by hand would do, refused as the change itself would be: the guard
 * it applies under (none when the order already has that status) and what it refunds now.
 */
export async function planStatusChange(ctx: Ctx, id: number, input: Pick<AdminStatusInput, "status" | "remains">) {
  const order = await tenantOrder(ctx, id);
  if (CLOSED_STATUSES.includes(order.status)) throw new Conflict(`The order is ${order.status}; it cannot change any more`, "order_closed");
  if (order.status === input.status) return { order, guard: null, refund: 0 };
  if (input.status === "partial" && input.remains! > unitsOf(order)) throw new Validation({ remains: [`At most ${unitsOf(order)}`] });
  const ending = input.status === "canceled" || input.status === "refunded";
  let guard: StatusGuard;
  if (order.dispatch_state === "sent") guard = { from: [order.status], dispatchFrom: ["sent" as const] };
  else if (order.dispatch_state === "queued" && ending)
    guard = { from: [order.status], dispatchFrom: ["queued" as const], set: { dispatch_state: "failed" as const, next_attempt_at: null } };
  else
    throw new Conflict(
      order.dispatch_state === "unknown" ? "The order's dispatch is unknown: reconcile it first" : "The order has not been sent; only canceling it is possible",
      "order_not_sent",
    );
  const refund = Math.max(0, statusRefund(order, input.status, input.remains ?? null) - Number(order.refunded));
  return { order, guard, refund };
}

/**
 * Sets an order's status by hand. Canceled/refunded refund what is left, partial refunds pro rata of
 * `remains`, completed pays commissions — each once. Closed orders (canceled, refunded, failed) stay
 * closed; an order that was never sent can only be canceled (it is then never sent).
 */
export async function setOrderStatusByAdmin(ctx: Ctx, id: number, input: AdminStatusInput) {
  const { order, guard } = await planStatusChange(ctx, id, input);
  if (!guard) return adminOrder(ctx, id);
  await withTransaction(ctx, async (tx) => {
    const r = await changeOrderStatus(
      tx,
      id,
      { status: input.status, remains: input.status === "partial" ? input.remains! : undefined, error: input.note ? `Admin: ${input.note}` : undefined },
      guard,
    );
    if (!r.changed) throw new Conflict("The order changed meanwhile; reload and try again", "order_changed");
    await writeAudit(tx, {
      action: "order.status",
      targetType: "order",
      targetId: id,
      data: { from: order.status, to: input.status, remains: input.remains ?? null, refunded: formatMoney(r.refunded), note: input.note ?? null },
    });
  });
  return adminOrder(ctx, id);
}

/**
 * What an admin refund of the order would do, refused as the refund itself would be: the amount
 * (all that is left when none is given) and whether it closes the order. The console confirms it.
 */
export async function planAdminRefund(ctx: Ctx, id: number, input: Pick<AdminRefundInput, "amount">) {
  const order = await tenantOrder(ctx, id);
  const rest = Number(order.charge) - Number(order.refunded);
  if (rest <= 0) throw new AppError(422, "nothing_to_refund", "This order has nothing left to refund", { amount: ["Nothing left to refund"] });
  const amount = input.amount ?? rest;
  if (amount > rest) throw new Validation({ amount: [`At most ${formatMoney(rest)}`] });
  // A refund books whole minor units; all that is left (an older charge's dust included) may always go back.
  if (amount !== rest) requireWholeMinor(amount, order.currency);
  const full = amount === rest && !CLOSED_STATUSES.includes(order.status);
  if (full && (order.dispatch_state === "sending" || order.dispatch_state === "unknown"))
    throw new Conflict("The order's dispatch is in doubt: reconcile it first", "order_not_sent");
  return { order, amount, full };
}

/**
 * Refunds part or all of what is left of an order's charge (never more than charge − refunded).
 * A full refund closes the order as refunded (a queued order is then never sent); a partial one
 * leaves its status alone. Commissions are clawed back in proportion either way.
 */
export async function refundOrderByAdmin(ctx: Ctx, id: number, input: AdminRefundInput) {
  const { order, amount, full } = await planAdminRefund(ctx, id, input);
  await withTransaction(ctx, async (tx) => {
    let refunded: number;
    if (full) {
      const set = order.dispatch_state === "queued" ? { dispatch_state: "failed" as const, next_attempt_at: null } : {};
      const r = await changeOrderStatus(
        tx,
        id,
        { status: "refunded", error: `Refunded by an admin: ${input.reason}` },
        { from: [order.status], dispatchFrom: [order.dispatch_state], set },
      );
      if (!r.changed || r.refunded !== amount) throw new Conflict("The order changed meanwhile; reload and try again", "order_changed");
      refunded = r.refunded;
    } else {
      refunded = await refundExactly(tx, id, amount, `Refund of order ${orderLabel(order)}: ${input.reason}`);
      await notifyOrder(tx, order, "refunded", refunded);
    }
    await writeAudit(tx, { action: "order.refund", targetType: "order", targetId: id, data: { amount: formatMoney(refunded), full, reason: input.reason } });
  });
  return adminOrder(ctx, id);
}

/** An order held because its provider refuses orders (queued, waiting for the cause to clear). */
const isHeld = (o: Pick<Order, "dispatch_state" | "held_since" | "status">) => o.dispatch_state === "queued" && o.held_since !== null && o.status === "pending";

/**
 * Whether staff may settle the order by `action`: its dispatch is unknown (every action), or it is held
 * by a provider that refuses orders (re-send now, or refund; the provider has not got it).
 */
export function reconcilable(o: Pick<Order, "dispatch_state" | "held_since" | "status">, action: ReconcileInput["action"]): boolean {
  if (o.status !== "pending") return false;
  return o.dispatch_state === "unknown" || (isHeld(o) && action !== "mark_sent");
}

/**
 * Settles an order whose dispatch outcome is unknown, after an admin checked with the provider:
 * resend it (the provider does not have it), mark it sent with the provider's order id (it does), or
 * refund and fail it. An order held by a provider that refuses orders may be tried again now or
 * refunded before the hold's deadline.
 */
export async function reconcileOrder(ctx: Ctx, id: number, input: ReconcileInput) {
  const order = await tenantOrder(ctx, id);
  if (!reconcilable(order, input.action))
    throw new Conflict(
      `Only orders whose dispatch is unknown, or held by their provider, can be reconciled (this one is ${order.status}, ${order.dispatch_state})`,
      "not_reconcilable",
    );
  const held = isHeld(order);
  const stale = () => new Conflict("The order changed meanwhile; reload and try again", "order_changed");
  await withTransaction(ctx, async (tx) => {
    const now = dbNow(tx.clock);
    if (held && input.action === "resend") {
      // Due now; it stays held (the deadline still counts) until the provider takes it.
      const res = await tx.db
        .updateTable("orders")
        .set({ next_attempt_at: now, updated_at: now })
        .where("id", "=", id)
        .where("dispatch_state", "=", "queued")
        .where("held_since", "is not", null)
        .where("status", "=", "pending")
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw stale();
    } else if (input.action === "resend" || input.action === "mark_sent") {
      const set =
        input.action === "resend"
          ? { dispatch_state: "queued" as const, dispatch_attempts: 0, next_attempt_at: now, held_since: null, last_error: "Resent after reconciliation" }
          : {
              dispatch_state: "sent" as const,
              status: "processing" as const,
              provider_order_id: input.provider_order_id!,
              last_error: null,
              next_attempt_at: null,
            };
      const res = await tx.db
        .updateTable("orders")
        .set({ ...set, updated_at: now })
        .where("id", "=", id)
        .where("dispatch_state", "=", "unknown")
        .where("status", "=", "pending")
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw stale();
      await tx.events.orderChanged(tx, id);
    } else {
      const r = await changeOrderStatus(
        tx,
        id,
        { status: "failed", error: held ? "Refunded by an admin while its provider refused orders" : "Refunded after reconciliation" },
        { from: ["pending"], dispatchFrom: [held ? "queued" : "unknown"], set: { dispatch_state: "failed", next_attempt_at: null } },
      );
      if (!r.changed) throw stale();
    }
    await writeAudit(tx, {
      action: `order.reconcile.${input.action}`,
      targetType: "order",
      targetId: id,
      data: { provider_order_id: input.provider_order_id ?? null, note: input.note ?? null },
    });
  });
  if (input.action === "resend") kickDispatch(ctx, [id]);
  return adminOrder(ctx, id);
}
