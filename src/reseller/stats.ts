import { sql } from "kysely";
import type { Ctx } from "../context.ts";
import { startOfUtcMonth } from "../lib/time.ts";
import { inTenant } from "../tenancy/scoped.ts";
import { figuresBetween, utcDate, type DayRange, type Figures } from "../statistics/figures.ts";
import { ACTIVE_STATUSES } from "../orders/statuses.ts";

/** A site's order economics: what customers paid net of refunds (revenue), what the reseller's orders cost it (each customer order records the reseller's cost as its provider cost), by the one definition of statistics/figures.ts. */
type SiteOrderFigures = Pick<Figures, "revenue" | "cost" | "profit"> & { count: number };

export interface SiteStats {
  currency: string;
  customers: { total: number; banned: number };
  orders: { all_time: SiteOrderFigures; this_month: SiteOrderFigures; active: number };
  pendingDeposits: { count: number; amount: number };
  openTickets: number;
}

async function orderFigures(ctx: Ctx, range: DayRange): Promise<SiteOrderFigures> {
  const f = await figuresBetween(inTenant(ctx), range);
  return { count: f.orders, revenue: f.revenue, cost: f.cost, profit: f.profit };
}

/** The site at a glance: customers, order economics, deposits waiting for the reseller, open tickets. */
export async function siteStats(ctx: Ctx, currency: string): Promise<SiteStats> {
  const site = inTenant(ctx);
  const now = ctx.clock.now();
  const month = startOfUtcMonth(now);
  const [customers, all, thisMonth, active, deposits, tickets] = await Promise.all([
    site
      .selectFrom("users")
      .select([(e) => e.fn.countAll<number>().as("n"), sql<number>`sum(case when is_banned = 1 then 1 else 0 end)`.as("banned")])
      .where("deleted_at", "is", null)
      .executeTakeFirstOrThrow(),
    orderFigures(ctx, { from: null, to: utcDate(now) }),
    orderFigures(ctx, { from: month.slice(0, 10), to: utcDate(now) }),
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
