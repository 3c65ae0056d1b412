import type { Ctx } from "../context.ts";
import type { ExpressionBuilder } from "kysely";
import type { Database, Order } from "../db/schema.ts";
import { likeContaining } from "../lib/sql-like.ts";
import { DAY, toDbTime } from "../lib/time.ts";
import { parseOrderRef } from "../orders/numbers.ts";
import { NotFound } from "../core/errors.ts";
import { offsetOf, pageOf, type Page } from "../core/pagination.ts";
import type { SiteOrdersQuery } from "./schema.ts";
import { UUID } from "../lib/uuid.ts";
import { inTenant } from "../tenancy/scoped.ts";

/** A customer order of the site with its link to the platform order that fulfils it. */
export type SiteOrderRow = Order & {
  service_name: string | null;
  username: string | null;
  site_price: number | null;
  reseller_cost: number | null;
  site_cost: number | null;
  currency_rate: number | null;
  profit: number | null;
  platform_order_uuid: string | null;
  reseller_refunded: number | null;
};

/** The site's customer orders (orders.site_id = the site) with site_orders economics; callers add filters. */
function siteOrders(ctx: Ctx) {
  return inTenant(ctx)
    .selectFrom("orders")
    .leftJoin("site_orders", (j) => j.onRef("site_orders.customer_order_id", "=", "orders.id").onRef("site_orders.site_id", "=", "orders.site_id"))
    .leftJoin("orders as po", "po.id", "site_orders.platform_order_id")
    .leftJoin("services", "services.id", "orders.service_id")
    .leftJoin("users", "users.id", "orders.user_id")
    .selectAll("orders")
    .select([
      "services.name as service_name",
      "users.username",
      "site_orders.site_price",
      "site_orders.reseller_cost",
      "site_orders.site_cost",
      "site_orders.currency_rate",
      "site_orders.profit",
      "po.uuid as platform_order_uuid",
      "po.refunded as reseller_refunded",
    ])
    .$castTo<SiteOrderRow>();
}

/** An order number or uuid, or a piece of the order's link or of its customer's e-mail or username. */
function orderSearch(ctx: Ctx, search: string) {
  const ref = parseOrderRef(search);
  const like = likeContaining(search);
  const customers = inTenant(ctx)
    .selectFrom("users")
    .select("users.id")
    .where((eb) => eb.or([like("users.email"), like("users.username")]));
  return (eb: ExpressionBuilder<Database, "orders">) => {
    const by = [like("orders.link"), eb("orders.user_id", "in", customers)];
    if (ref && "number" in ref) by.push(eb("orders.number", "=", ref.number));
    if (ref && "uuid" in ref) by.push(eb("orders.uuid", "=", ref.uuid));
    return eb.or(by);
  };
}

/** The site's customer orders, newest first, with the list's filters (a customer's own orders with `user_id`). */
export async function listSiteOrders(
  ctx: Ctx,
  q: Partial<SiteOrdersQuery> & Pick<SiteOrdersQuery, "page" | "per_page"> & { user_id?: number },
): Promise<Page<SiteOrderRow>> {
  let base = inTenant(ctx).selectFrom("orders");
  if (q.status) base = base.where("orders.status", "=", q.status);
  if (q.user_id) base = base.where("orders.user_id", "=", q.user_id);
  if (q.service_id) base = base.where("orders.service_id", "=", q.service_id);
  if (q.from) base = base.where("orders.created_at", ">=", `${q.from} 00:00:00.000`);
  if (q.to) base = base.where("orders.created_at", "<", toDbTime(new Date(Date.parse(`${q.to}T00:00:00Z`) + DAY)));
  if (q.search) base = base.where(orderSearch(ctx, q.search));
  const count = await base.select((e) => e.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const ids = (
    await base.select("orders.id").orderBy("orders.created_at", "desc").orderBy("orders.id", "desc").limit(q.per_page).offset(offsetOf(q)).execute()
  ).map((r) => r.id);
  const rows = ids.length
    ? await siteOrders(ctx).where("orders.id", "in", ids).orderBy("orders.created_at", "desc").orderBy("orders.id", "desc").execute()
    : [];
  return pageOf(rows, count.n, q);
}

/** One customer order of the site by uuid; any other order (the platform's, another site's) is a 404. */
export async function siteOrder(ctx: Ctx, uuid: string): Promise<SiteOrderRow> {
  if (!UUID.test(uuid)) throw new NotFound("Order not found");
  const row = await siteOrders(ctx).where("orders.uuid", "=", uuid.toLowerCase()).executeTakeFirst();
  if (!row) throw new NotFound("Order not found");
  return row;
}

/** The services the site's customers have ordered (for the orders list's service filter), by name. */
export async function siteOrderedServices(ctx: Ctx): Promise<{ id: number; name: string }[]> {
  const ids = inTenant(ctx).selectFrom("orders").select("orders.service_id").distinct();
  return ctx.db.selectFrom("services").select(["services.id", "services.name"]).where("services.id", "in", ids).orderBy("services.name").limit(500).execute();
}
