import { sql } from "kysely";
import type { Ctx } from "../context.ts";
import { startOfUtcMonth } from "../lib/time.ts";
import { inTenant } from "../tenancy/scoped.ts";
import { ACTIVE_STATUSES } from "../orders/statuses.ts";

interface SiteOrderFigures {
  count: number;
  /** What customers paid, net of their refunds. */
  revenue: number;
  /** What the reseller paid the platform, net of the platform's refunds. */
  cost: number;
  profit: number;
}

export interface SiteStats {
  currency: string;
  customers: { total: number; banned: number };
  orders: { all_time: SiteOrderFigures; this_month: SiteOrderFigures; active: number };
  pendingDeposits: { count: number; amount: number };
  openTickets: number;
}

async function orderFigures(ctx: Ctx, since: string | null): Promise<SiteOrderFigures> {
  let q = inTenant(ctx)
    .selectFrom("orders")
    .leftJoin("site_orders", (j) => j.onRef("site_orders.customer_order_id", "=", "orders.id").onRef("site_orders.site_id", "=", "orders.site_id"))
    .leftJoin("orders as po", "po.id", "site_orders.platform_order_id")
    .select([
      (e) => e.fn.countAll<number>().as("n"),
      sql<number>`sum(orders.charge - orders.refunded)`.as("revenue"),
      sql<number>`sum(coalesce(site_orders.reseller_cost, 0) - coalesce(po.refunded, 0))`.as("cost"),
    ]);
  if (since) q = q.where("orders.created_at", ">=", since);
  const r = await q.executeTakeFirstOrThrow();
  const revenue = Number(r.revenue ?? 0);
  const cost = Number(r.cost ?? 0);
  return { count: Number(r.n), revenue, cost, profit: revenue - cost };
}

/** The site at a glance: customers, order economics, deposits waiting for the reseller, open tickets. */
export async function siteStats(ctx: Ctx, currency: string): Promise<SiteStats> {
  const site = inTenant(ctx);
  const month = startOfUtcMonth(ctx.clock.now());
  const [customers, all, thisMonth, active, deposits, tickets] = await Promise.all([
    site
      .selectFrom("users")
      .select([(e) => e.fn.countAll<number>().as("n"), sql<number>`sum(case when is_banned = 1 then 1 else 0 end)`.as("banned")])
      .where("deleted_at", "is", null)
      .executeTakeFirstOrThrow(),
    orderFigures(ctx, null),
    orderFigures(ctx, month),
    site
      .selectFrom("orders")
      .select((e) => e.fn.countAll<number>().as("n"))
      .where("status", "in", ACTIVE_STATUSES)
      .executeTakeFirstOrThrow(),
    site
      .selectFrom("transactions")
      .select([(e) => e.fn.countAll<number>().as("n"), (e) => e.fn.sum<number>("amount").as("amount")])
      .where("type", "=", "deposit")
      .where("status", "=", "pending")
      .executeTakeFirstOrThrow(),
    site
      .selectFrom("tickets")
      .select((e) => e.fn.countAll<number>().as("n"))
      .where("status", "!=", "closed")
      .executeTakeFirstOrThrow(),
  ]);
  return {
    currency,
    customers: { total: Number(customers.n), banned: Number(customers.banned ?? 0) },
    orders: { all_time: all, this_month: thisMonth, active: Number(active.n) },
    pendingDeposits: { count: Number(deposits.n), amount: Number(deposits.amount ?? 0) },
    openTickets: Number(tickets.n),
  };
}
