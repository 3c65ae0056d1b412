import { sql } from "kysely";
import type { Ctx } from "../context.ts";
import { toIso } from "../lib/time.ts";
import { formatMoney } from "../money/money.ts";
import { ACTIVE_STATUSES } from "../orders/statuses.ts";
import { providerBalances } from "../providers/balances.ts";
import {
  addFigures,
  datesOf,
  daysFrom,
  lastDays,
  nextDay,
  orderGroups,
  topServicesByOrderRevenue,
  salesByDay,
  utcDate,
  type Figures,
  type OrderGroup,
  type OrderKey,
} from "../statistics/figures.ts";
import { onPlatform, type TenantScope } from "../tenancy/scoped.ts";

type Range = { from: string; to: string };
const n = (v: unknown) => Number(v ?? 0);

/** Money figures of a period as the JSON API shows them (decimal strings). */
function figuresView(f: Figures) {
  return {
    orders: f.orders,
    charges: formatMoney(f.charges),
    refunds: formatMoney(f.refunds),
    order_revenue: formatMoney(f.order_revenue),
    white_label_sales: { count: f.white_label.count, amount: formatMoney(f.white_label.amount) },
    revenue: formatMoney(f.revenue),
    cost: formatMoney(f.cost),
    profit: formatMoney(f.profit),
  };
}

/** Sums the days of a by-day map that fall in [from, to]. */
const sumDays = (days: Map<string, Figures>, from: string, to: string): Figures =>
  addFigures([...days].filter(([d]) => d >= from && d <= to).map(([, f]) => f));

/**
 * The days to read for the headline periods (the last 30) and a chosen period: one range when they
 * overlap or touch, else both, so that no day's orders are read twice.
 */
function daysToRead(month: Range, chosen?: Range): Range[] {
  if (!chosen) return [month];
  const [first, second] = chosen.from <= month.from ? [chosen, month] : [month, chosen];
  if (second.from > nextDay(first.to)) return [first, second];
  return [{ from: first.from, to: first.to > second.to ? first.to : second.to }];
}

/** The platform's orders of those days grouped by `keys` (with the day), and their white-label sales: one read of each range. */
async function readDays<K extends OrderKey>(platform: TenantScope, ranges: Range[], keys: readonly K[]) {
  const reads = await Promise.all(ranges.map((r) => Promise.all([orderGroups(platform, r, ["day", ...keys]), salesByDay(platform, r)])));
  const groups = reads.flatMap(([g]) => g);
  return {
    groups,
    days: daysFrom(
      groups,
      reads.flatMap(([, s]) => s),
    ),
  };
}

/** What stands whatever the period: users, the work waiting for staff, the sites by status. */
async function standing(ctx: Ctx) {
  const db = ctx.db;
  // The console's figures are the platform's own users, orders and tickets, not the sites' customers.
  const platform = onPlatform(db);
  const today = utcDate(ctx.clock.now());
  const count = (r: { n: unknown }) => n(r.n);
  const [users, banned, newToday, inFlight, held, deposits, tickets, sites] = await Promise.all([
    platform
      .selectFrom("users")
      .select((e) => e.fn.countAll<number>().as("n"))
      .where("deleted_at", "is", null)
      .executeTakeFirstOrThrow(),
    platform
      .selectFrom("users")
      .select((e) => e.fn.countAll<number>().as("n"))
      .where("is_banned", "=", 1)
      .executeTakeFirstOrThrow(),
    platform
      .selectFrom("users")
      .select((e) => e.fn.countAll<number>().as("n"))
      .where("created_at", ">=", `${today} 00:00:00.000`)
      .executeTakeFirstOrThrow(),
    platform
      .selectFrom("orders")
      .select((e) => e.fn.countAll<number>().as("n"))
      .where("status", "in", ACTIVE_STATUSES)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("orders")
      .select((e) => e.fn.countAll<number>().as("n"))
      .where("dispatch_state", "=", "unknown")
      .executeTakeFirstOrThrow(),
    platform
      .selectFrom("transactions")
      .select((e) => [e.fn.countAll<number>().as("n"), e.fn.sum<number>("amount").as("total")])
      .where("type", "=", "deposit")
      .where("status", "=", "pending")
      .executeTakeFirstOrThrow(),
    platform
      .selectFrom("tickets")
      .select((e) => e.fn.countAll<number>().as("n"))
      .where("status", "in", ["open", "customer_reply"])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("white_label_sites")
      .select(["status", (e) => e.fn.countAll<number>().as("n")])
      .groupBy("status")
      .execute(),
  ]);
  return {
    users: { total: count(users), banned: count(banned), new_today: count(newToday) },
    orders: { in_progress: count(inFlight), awaiting_reconciliation: count(held) },
    deposits: { pending_count: count(deposits), pending_total: n(deposits.total) },
    support: { open_tickets: count(tickets) },
    white_label: Object.fromEntries(sites.map((s) => [s.status, n(s.n)])) as Record<string, number>,
  };
}

type Standing = Awaited<ReturnType<typeof standing>>;

/** The headline figures from what stands and the days read (the last 30, and the chosen range's). */
function headline(now: Date, counts: Standing, days: Map<string, Figures>, range?: Range) {
  const today = utcDate(now);
  const todayFigures = sumDays(days, today, today);
  return {
    users: counts.users,
    orders: { ...counts.orders, today: todayFigures.orders },
    periods: {
      today: todayFigures,
      last_7_days: sumDays(days, lastDays(now, 7).from!, today),
      last_30_days: sumDays(days, lastDays(now, 30).from!, today),
      range: range ? { ...range, figures: sumDays(days, range.from, range.to) } : null,
    },
    deposits: counts.deposits,
    support: counts.support,
    white_label: counts.white_label,
  };
}

/**
 * The console's headline figures (money in micro-units), for the JSON dashboard: today, the last 7 and 30
 * days (and a chosen range) by the one definition of `statistics/figures.ts`, and what waits for staff.
 */
async function dashboardFigures(ctx: Ctx, range?: Range) {
  const now = ctx.clock.now();
  const month = lastDays(now, 30);
  const [counts, read] = await Promise.all([standing(ctx), readDays(onPlatform(ctx.db), daysToRead({ from: month.from!, to: month.to }, range), [])]);
  return headline(now, counts, read.days, range);
}

/** GET /api/admin/dashboard: the headline figures with money as decimal strings. */
export async function dashboard(ctx: Ctx, range?: Range) {
  const [f, providers] = await Promise.all([dashboardFigures(ctx, range), providerBalances(ctx)]);
  const p = f.periods;
  return {
    ...f,
    revenue: { today: formatMoney(p.today.revenue), cost_today: formatMoney(p.today.cost), profit_today: formatMoney(p.today.profit) },
    periods: {
      today: figuresView(p.today),
      last_7_days: figuresView(p.last_7_days),
      last_30_days: figuresView(p.last_30_days),
      ...(p.range ? { range: { from: p.range.from, to: p.range.to, ...figuresView(p.range.figures) } } : {}),
    },
    deposits: { ...f.deposits, pending_total: formatMoney(f.deposits.pending_total) },
    providers: providers.map((p) => ({ ...p, balance: p.balance === null ? null : formatMoney(p.balance), checked_at: toIso(p.checked_at) })),
  };
}

/** Completed deposits (micro-units) of each day of a range that had any. */
async function depositsByDay(ctx: Ctx, range: Range): Promise<Map<string, number>> {
  const rows = await onPlatform(ctx.db)
    .selectFrom("transactions")
    .select([sql<string>`substr(created_at, 1, 10)`.as("day"), (e) => e.fn.sum<number>("amount").as("total")])
    .where("type", "=", "deposit")
    .where("status", "=", "completed")
    .where("created_at", ">=", `${range.from} 00:00:00.000`)
    .where("created_at", "<=", `${range.to} 23:59:59.999`)
    .groupBy(sql`substr(created_at, 1, 10)`)
    .execute();
  return new Map(rows.map((d) => [String(d.day), n(d.total)]));
}

/** Every day of a range with its figures and deposits (zero when nothing happened). */
function dayPoints(range: Range, days: Map<string, Figures>, deposited: Map<string, number>) {
  return datesOf(range).map((date) => {
    const f = days.get(date);
    return {
      date,
      orders: f?.orders ?? 0,
      revenue: f?.revenue ?? 0,
      cost: f?.cost ?? 0,
      profit: f?.profit ?? 0,
      white_label_sales: f?.white_label.amount ?? 0,
      deposits: deposited.get(date) ?? 0,
    };
  });
}

/** Orders, revenue, cost, profit, white-label sales and deposits (micro-units) of each day of a range, computed live. */
async function dailyFigures(ctx: Ctx, range: Range) {
  const [read, deposited] = await Promise.all([readDays(onPlatform(ctx.db), [range], []), depositsByDay(ctx, range)]);
  return dayPoints(range, read.days, deposited);
}

/** The JSON API's revenue chart: the last `days` days' figures with money as decimal strings. */
export async function revenueChart(ctx: Ctx, days: number) {
  const range = lastDays(ctx.clock.now(), days);
  return (await dailyFigures(ctx, { from: range.from!, to: range.to })).map((d) => ({
    ...d,
    revenue: formatMoney(d.revenue),
    cost: formatMoney(d.cost),
    profit: formatMoney(d.profit),
    white_label_sales: formatMoney(d.white_label_sales),
    deposits: formatMoney(d.deposits),
  }));
}

/** How many of the period's orders are in each status, most first. */
function ordersByStatus(groups: readonly OrderGroup<"status">[]): { status: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const g of groups) counts.set(g.status, (counts.get(g.status) ?? 0) + g.figures.orders);
  return [...counts].map(([status, count]) => ({ status, count })).sort((a, b) => b.count - a.count || a.status.localeCompare(b.status));
}

/** The services that brought the most order revenue (charges − refunds) in a range, with their names; the platform's own orders only (a site's would count twice with its reseller's). */
export async function topServices(ctx: Ctx, range: Range, limit = 10) {
  const top = await topServicesByOrderRevenue(onPlatform(ctx.db), range, limit);
  if (!top.length) return [];
  const ids = top.map((s) => s.id);
  const names = new Map((await ctx.db.selectFrom("services").select(["id", "name"]).where("id", "in", ids).execute()).map((s) => [s.id, s.name]));
  return top.map((s) => ({ ...s, name: names.get(s.id) ?? `#${s.id}` }));
}

/**
 * Everything the console's dashboard shows of a period: the headline figures, each day's and the orders by
 * status from one read of the period's orders grouped by day and status (the last 30 days with it, never a
 * day twice), and the top services ranked by the database in a second read of the period. Grouping that one
 * read by service too would make a group of nearly every order (1,000,000 orders, 5,000 services: 78,000 of
 * 85,000 orders in 30 days), several times slower than reading the period twice.
 */
export async function consoleDashboard(ctx: Ctx, period: Range) {
  const now = ctx.clock.now();
  const month = lastDays(now, 30);
  const [counts, read, deposited, services] = await Promise.all([
    standing(ctx),
    readDays(onPlatform(ctx.db), daysToRead({ from: month.from!, to: month.to }, period), ["status"]),
    depositsByDay(ctx, period),
    topServices(ctx, period),
  ]);
  const inPeriod = read.groups.filter((g) => g.day >= period.from && g.day <= period.to);
  return {
    head: headline(now, counts, read.days, period),
    days: dayPoints(period, read.days, deposited),
    statuses: ordersByStatus(inPeriod),
    services,
  };
}
