import { sql } from "kysely";
import type { Ctx } from "../context.ts";
import { startOfUtcMonth } from "../lib/time.ts";
import { inTenant } from "../tenancy/scoped.ts";
import {
  addFigures,
  checkDayRange,
  datesOf,
  figuresBetween,
  figuresByDay,
  figuresByService,
  lastDays,
  utcDate,
  type DayRange,
  type Figures,
  type RangeProblem,
} from "../statistics/figures.ts";
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

/** One day of a site's figures: its orders' economics and the customers who signed up that day. */
interface SiteDay {
  date: string;
  orders: number;
  revenue: number;
  cost: number;
  profit: number;
  new_customers: number;
}

export interface SiteServiceFigures {
  id: number;
  name: string;
  orders: number;
  revenue: number;
  profit: number;
}

/** A period of a site's figures: totals, each day, the services that brought the most revenue and profit, new customers. */
export interface SiteFigures {
  range: { from: string; to: string };
  totals: { orders: number; revenue: number; cost: number; profit: number; new_customers: number };
  days: SiteDay[];
  top_by_revenue: SiteServiceFigures[];
  top_by_profit: SiteServiceFigures[];
}

const TOP = 10;

/**
 * A site's figures over whole UTC days (statistics/figures.ts: the one definition; the site's orders
 * only, their provider cost being what the reseller paid), and its new customers, in the site's tenant.
 */
export async function siteFigures(ctx: Ctx, range: { from: string; to: string }): Promise<SiteFigures> {
  const site = inTenant(ctx);
  const [byDay, byService, signups] = await Promise.all([
    figuresByDay(site, range),
    figuresByService(site, range),
    site
      .selectFrom("users")
      .select([sql<string>`substr(users.created_at, 1, 10)`.as("day"), (e) => e.fn.countAll<number>().as("n")])
      .where("users.created_at", ">=", `${range.from} 00:00:00.000`)
      .where("users.created_at", "<=", `${range.to} 23:59:59.999`)
      .groupBy(sql`substr(users.created_at, 1, 10)`)
      .execute(),
  ]);
  const joined = new Map(signups.map((r) => [String(r.day), Number(r.n)]));
  const days = datesOf(range).map((date): SiteDay => {
    const f = byDay.get(date);
    return { date, orders: f?.orders ?? 0, revenue: f?.revenue ?? 0, cost: f?.cost ?? 0, profit: f?.profit ?? 0, new_customers: joined.get(date) ?? 0 };
  });
  const total = addFigures(byDay.values());
  const ids = [...byService.keys()];
  const names = ids.length
    ? new Map((await ctx.db.selectFrom("services").select(["id", "name"]).where("id", "in", ids).execute()).map((r) => [r.id, r.name]))
    : new Map<number, string>();
  const services = [...byService].map(([id, f]) => ({ id, name: names.get(id) ?? `#${id}`, orders: f.orders, revenue: f.revenue, profit: f.profit }));
  const top = (key: "revenue" | "profit") =>
    services
      .filter((s) => s[key] > 0)
      .sort((a, b) => b[key] - a[key] || a.id - b.id)
      .slice(0, TOP);
  return {
    range,
    totals: {
      orders: total.orders,
      revenue: total.revenue,
      cost: total.cost,
      profit: total.profit,
      new_customers: days.reduce((sum, d) => sum + d.new_customers, 0),
    },
    days,
    top_by_revenue: top("revenue"),
    top_by_profit: top("profit"),
  };
}

/** The periods a reseller picks from: today, the last 7 and the last 30 days (30 unless said). */
export const FIGURE_PERIODS = [1, 7, 30] as const;

/**
 * The period asked for in a query: `from`/`to` (a chosen range, checked like the admin's) or `days`
 * (1, 7 or 30; anything else is 30). A refused range names its problems.
 */
export function figurePeriod(
  q: { days?: string; from?: string; to?: string },
  now: Date,
): { range: { from: string; to: string }; days: number | null } | { problems: Partial<Record<"from" | "to", RangeProblem>> } {
  if (q.from !== undefined || q.to !== undefined) {
    const checked = checkDayRange(q, now);
    return "range" in checked ? { range: checked.range, days: null } : checked;
  }
  const n = Number(q.days);
  const days = (FIGURE_PERIODS as readonly number[]).includes(n) ? n : 30;
  const r = lastDays(now, days);
  return { range: { from: r.from!, to: r.to }, days };
}
