import type { Ctx } from "../context.ts";
import { requireUser } from "../context.ts";
import { prepared } from "../db/prepared.ts";
import type { Database, Order } from "../db/schema.ts";
import { NotFound } from "../core/errors.ts";
import { offsetOf, type Page } from "../core/pagination.ts";
import type { UserOrdersQuery } from "./schema.ts";
import { likeContaining } from "../lib/sql-like.ts";
import { parseOrderRef } from "./numbers.ts";
import { inTenant, type TenantScope } from "../tenancy/scoped.ts";
import type { SelectQueryBuilder } from "kysely";

/** An order with what its views need from its service. */
export type OrderRow = Order & {
  service_name: string | null;
  service_type: string | null;
  service_refill: number | null;
  service_cancel: number | null;
  refill_days: number | null;
};

/** The tenant's orders (the ctx's unless the caller names another scope) joined with their service; callers add the owner filters. */
export function ordersWithService(ctx: Ctx, scope: TenantScope = inTenant(ctx)) {
  return ordersWithServiceIn(scope.selectFrom("orders"));
}

function ordersWithServiceIn(orders: SelectQueryBuilder<Database, "orders", Record<never, never>>) {
  return orders
    .leftJoin("services", "services.id", "orders.service_id")
    .selectAll("orders")
    .select([
      "services.name as service_name",
      "services.type as service_type",
      "services.refill as service_refill",
      "services.cancel as service_cancel",
      "services.refill_days",
    ]);
}

/** The caller's orders in the caller's tenant, newest first; search by number (`1234`, `#1234`), uuid or link. */
export async function listUserOrders(ctx: Ctx, q: UserOrdersQuery): Promise<Page<OrderRow>> {
  const user = requireUser(ctx);
  let base = inTenant(ctx).selectFrom("orders").where("orders.user_id", "=", user.id);
  if (q.status) base = base.where("orders.status", "=", q.status);
  if (q.search) {
    const s = q.search;
    const ref = parseOrderRef(s);
    base = !ref
      ? base.where(likeContaining(s)("orders.link"))
      : "number" in ref
        ? base.where("orders.number", "=", ref.number)
        : base.where("orders.uuid", "=", ref.uuid);
  }
  const count = await base.select((e) => e.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const ids = await base.select("orders.id").orderBy("orders.created_at", "desc").orderBy("orders.id", "desc").limit(q.per_page).offset(offsetOf(q)).execute();
  const rows = ids.length
    ? await ordersWithService(ctx)
        .where(
          "orders.id",
          "in",
          ids.map((r) => r.id),
        )
        .orderBy("orders.created_at", "desc")
        .orderBy("orders.id", "desc")
        .execute()
    : [];
  return { rows, total: Number(count.n), page: q.page, per_page: q.per_page };
}

/**
 * One of the caller's orders by its number in the caller's tenant (`1234`, `#1234`) or its uuid;
 * another user's or another tenant's (the same number elsewhere) is a 404.
 */
export async function userOrder(ctx: Ctx, ref: string): Promise<OrderRow> {
  const user = requireUser(ctx);
  const parsed = parseOrderRef(ref);
  if (!parsed) throw new NotFound("Order not found");
  const mine = ordersWithService(ctx).where("orders.user_id", "=", user.id);
  const row = await ("number" in parsed ? mine.where("orders.number", "=", parsed.number) : mine.where("orders.uuid", "=", parsed.uuid)).executeTakeFirst();
  if (!row) throw new NotFound("Order not found");
  return row;
}

/** An order by id in the caller's tenant (admin views), 404 otherwise. */
export async function tenantOrder(ctx: Ctx, id: number): Promise<OrderRow> {
  const row = await ordersWithService(ctx).where("orders.id", "=", id).executeTakeFirst();
  if (!row) throw new NotFound("Order not found");
  return row;
}

// Read after every placement: built once (prepared.ts).
const orderRowQuery = prepared((db, id: number) => ordersWithServiceIn(db.selectFrom("orders")).where("orders.id", "=", id));

export async function orderRowById(ctx: Ctx, id: number): Promise<OrderRow> {
  const row = await orderRowQuery.first(ctx.db, id);
  if (!row) throw new Error(`order ${id} not found`);
  return row;
}
