import { sql, type RawBuilder } from "kysely";
import { Validation } from "../core/errors.ts";
import { DAY, toDbTime } from "../lib/time.ts";
import type { TenantScope } from "../tenancy/scoped.ts";

/**
 * The one definition of revenue, provider cost and profit (docs/figures.md), used by the JSON
 * dashboard, its revenue chart, the daily roll-up, the finance figures and the console.
 *
 * - An order belongs to the day it was placed; its refunds, whenever they come, reduce that day.
 * - Order revenue = charges − refunds of the orders placed in the period.
 * - White-label sales = plan purchases and renewals (completed ledger rows) in the period, on their own
 *   line and included in revenue.
 * - Provider cost = what the provider keeps of each order: its recorded cost in the share of the charge
 *   the customer kept paying — all of it when nothing was refunded, none when the charge went back
 *   (canceled, refunded, failed), `cost − ⌊cost × refunded / charge⌋` for a partial.
 * - Profit = revenue − provider cost.
 */
export interface Figures {
  orders: number;
  charges: number;
  refunds: number;
  order_revenue: number;
  white_label: { count: number; amount: number };
  revenue: number;
  cost: number;
  profit: number;
}

/** A period of whole UTC days: `from` and `to` are `YYYY-MM-DD`, both included; null `from` is since the start. */
export interface DayRange {
  from: string | null;
  to: string;
}

/** What the provider keeps of one order (micro-units), exact: the rule the SQL sums below follow. */
export function orderProviderCost(o: { provider_cost: number | bigint; charge: number | bigint; refunded: number | bigint }): number {
  const cost = BigInt(o.provider_cost);
  const charge = BigInt(o.charge);
  const refunded = BigInt(o.refunded);
  if (refunded <= 0n) return Number(cost);
  if (refunded >= charge) return 0;
  return Number(cost - (cost * refunded) / charge);
}

const n = (v: unknown) => Number(v ?? 0);
/** Figures of nothing. */
const zeroFigures = (): Figures => ({
  orders: 0,
  charges: 0,
  refunds: 0,
  order_revenue: 0,
  white_label: { count: 0, amount: 0 },
  revenue: 0,
  cost: 0,
  profit: 0,
});
/**
 * The UTC day of a timestamp column, `YYYY-MM-DD` on both dialects: MariaDB's `date()` of its DATETIME is
 * cheap, where `substr()` formatted every row as text first (half the time of a 30-day read of 1,000,000 orders).
 */
const dayOf = (column: string) => sql<string>`date(${sql.ref(column)})`;
const startOf = (date: string) => `${date} 00:00:00.000`;
/** The date after a `YYYY-MM-DD` date. */
export const nextDay = (date: string) => toDbTime(new Date(Date.parse(`${date}T00:00:00Z`) + DAY)).slice(0, 10);

/** Derives order revenue, revenue and profit from the summed parts. */
function settle(f: Figures): Figures {
  f.order_revenue = f.charges - f.refunds;
  f.revenue = f.order_revenue + f.white_label.amount;
  f.profit = f.revenue - f.cost;
  return f;
}

/** What a range's orders may be grouped by. */
export type OrderKey = "day" | "status" | "service";
const KEY_SQL: Record<OrderKey, RawBuilder<unknown>> = {
  day: dayOf("orders.created_at"),
  status: sql`orders.status`,
  service: sql`orders.service_id`,
};
/** A partial refund's provider cost is exact per order (`orderProviderCost`), so each such order is a group of its own. */
const PARTIAL_ORDER = sql<number | null>`case when orders.refunded > 0 and orders.refunded < orders.charge then orders.id end`;

/** One group of a range's orders: the keys asked for (`day` as `YYYY-MM-DD`, `status`, `service` id) and its order figures, unsettled. */
export type OrderGroup<K extends OrderKey> = { [P in K]: P extends "service" ? number : string } & { figures: Figures };

/**
 * The orders placed in a range, grouped by `keys`, with their charges, refunds and provider cost by the
 * definition above, in one read of the range's orders (the covering `orders_period_cover_idx`). A key may
 * come back in several groups (each partially refunded order is its own): callers add them up (`daysFrom`, `figuresByService`).
 */
export async function orderGroups<K extends OrderKey>(scope: TenantScope, range: DayRange, keys: readonly K[]): Promise<OrderGroup<K>[]> {
  const until = startOf(nextDay(range.to));
  const since = range.from ? startOf(range.from) : null;
  let q = scope
    .selectFrom("orders")
    .select([
      ...keys.map((k) => KEY_SQL[k].as(k)),
      PARTIAL_ORDER.as("partial_order"),
      (e) => e.fn.countAll<number>().as("n"),
      (e) => e.fn.sum<number>("orders.charge").as("charges"),
      (e) => e.fn.sum<number>("orders.refunded").as("refunds"),
      // Unrefunded orders keep their whole cost, fully refunded ones none; a partial one's is computed exactly below.
      sql<number>`sum(case when orders.refunded <= 0 then orders.provider_cost else 0 end)`.as("kept_cost"),
      (e) => e.fn.sum<number>("orders.provider_cost").as("provider_cost"),
    ])
    .where("orders.created_at", "<", until);
  if (since) q = q.where("orders.created_at", ">=", since);
  const rows: Record<string, unknown>[] = await q
    .groupBy([...keys.map((k) => KEY_SQL[k]), PARTIAL_ORDER])
    // MariaDB sorts a GROUP BY's groups unless told not to; their order does not matter here.
    .orderBy(sql`null`)
    .execute();
  return rows.map((r) => {
    const f = zeroFigures();
    f.orders = n(r.n);
    f.charges = n(r.charges);
    f.refunds = n(r.refunds);
    f.cost = r.partial_order == null ? n(r.kept_cost) : orderProviderCost({ provider_cost: n(r.provider_cost), charge: f.charges, refunded: f.refunds });
    const group: Record<string, unknown> = { figures: f };
    for (const k of keys) group[k] = k === "service" ? Number(r[k]) : String(r[k]);
    return group as OrderGroup<K>;
  });
}

/** White-label sales (plan purchases and renewals: completed ledger rows) of each day of a range that had any. */
export async function salesByDay(scope: TenantScope, range: DayRange): Promise<{ day: string; count: number; amount: number }[]> {
  const until = startOf(nextDay(range.to));
  const since = range.from ? startOf(range.from) : null;
  let sales = scope
    .selectFrom("transactions")
    .select([dayOf("transactions.created_at").as("day"), (e) => e.fn.countAll<number>().as("n"), (e) => e.fn.sum<number>("transactions.amount").as("amount")])
    .where("transactions.type", "in", ["white_label_purchase", "subscription"])
    .where("transactions.status", "=", "completed")
    .where("transactions.created_at", "<", until);
  if (since) sales = sales.where("transactions.created_at", ">=", since);
  const rows = await sales.groupBy(dayOf("transactions.created_at")).execute();
  // Ledger debits are negative: the platform sold what the buyer paid.
  return rows.map((r) => ({ day: String(r.day), count: n(r.n), amount: -n(r.amount) }));
}

/** A map that makes a zero entry for a key seen the first time. */
function tally<K>() {
  const map = new Map<K, Figures>();
  const into = (key: K) => {
    const known = map.get(key);
    if (known) return known;
    const f = zeroFigures();
    map.set(key, f);
    return f;
  };
  return { map, into };
}

/** The settled figures of each day from its order groups and white-label sales (of the same range), keyed by `YYYY-MM-DD`. */
export function daysFrom(
  groups: Iterable<{ day: string; figures: Figures }>,
  sales: Iterable<{ day: string; count: number; amount: number }>,
): Map<string, Figures> {
  const { map: days, into } = tally<string>();
  for (const g of groups) addInto(into(g.day), g.figures);
  for (const s of sales) {
    const f = into(s.day);
    f.white_label.count += s.count;
    f.white_label.amount += s.amount;
  }
  for (const f of days.values()) settle(f);
  return days;
}

/** The figures of each day of the range that had any activity, keyed by `YYYY-MM-DD`. */
export async function figuresByDay(scope: TenantScope, range: DayRange): Promise<Map<string, Figures>> {
  const [groups, sales] = await Promise.all([orderGroups(scope, range, ["day"]), salesByDay(scope, range)]);
  return daysFrom(groups, sales);
}

/** The order figures of each service ordered in the range (no white-label sales: they are no service's), keyed by service id. */
export async function figuresByService(scope: TenantScope, range: DayRange): Promise<Map<number, Figures>> {
  const { map, into } = tally<number>();
  for (const g of await orderGroups(scope, range, ["service"])) addInto(into(g.service), g.figures);
  for (const f of map.values()) settle(f);
  return map;
}

/**
 * The services whose orders brought the most order revenue (charges − refunds, as above) in a range, most
 * first, with their order counts: summed and ranked by the database (one read of the range, ten rows back).
 */
export async function topServicesByOrderRevenue(
  scope: TenantScope,
  range: DayRange,
  limit: number,
): Promise<{ id: number; orders: number; revenue: number }[]> {
  const until = startOf(nextDay(range.to));
  let q = scope
    .selectFrom("orders")
    .select(["orders.service_id", (e) => e.fn.countAll<number>().as("n"), sql<number>`sum(orders.charge - orders.refunded)`.as("revenue")])
    .where("orders.created_at", "<", until);
  if (range.from) q = q.where("orders.created_at", ">=", startOf(range.from));
  const rows = await q.groupBy("orders.service_id").orderBy("revenue", "desc").orderBy("orders.service_id").limit(limit).execute();
  return rows.map((r) => ({ id: Number(r.service_id), orders: n(r.n), revenue: n(r.revenue) }));
}

/** The figures of a whole period. */
export async function figuresBetween(scope: TenantScope, range: DayRange): Promise<Figures> {
  return addFigures((await figuresByDay(scope, range)).values());
}

/** The sum of several days' figures. */
export function addFigures(days: Iterable<Figures>): Figures {
  const total = zeroFigures();
  for (const f of days) addInto(total, f);
  return settle(total);
}

/** Adds figures into a running total (unsettled: `settle` or `addFigures` derives revenue and profit). */
function addInto(total: Figures, f: Figures): Figures {
  total.orders += f.orders;
  total.charges += f.charges;
  total.refunds += f.refunds;
  total.cost += f.cost;
  total.white_label.count += f.white_label.count;
  total.white_label.amount += f.white_label.amount;
  return total;
}

/** The UTC day of a moment, `YYYY-MM-DD`. */
export const utcDate = (at: Date) => toDbTime(at).slice(0, 10);

/** The last `days` days up to and including today's. */
export function lastDays(now: Date, days: number): DayRange {
  return { from: utcDate(new Date(now.getTime() - (days - 1) * DAY)), to: utcDate(now) };
}

/** Every date of a range, in order. */
export function datesOf(range: { from: string; to: string }): string[] {
  const out: string[] = [];
  for (let d = range.from; d <= range.to; d = nextDay(d)) out.push(d);
  return out;
}

/** The longest range a chosen period may span. */
const MAX_RANGE_DAYS = 366;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const validDate = (s: string) => {
  const at = Date.parse(`${s}T00:00:00Z`);
  // 2026-02-30 parses as 2 March: the date must come back as typed.
  return DATE.test(s) && !Number.isNaN(at) && utcDate(new Date(at)) === s;
};

/** Why a typed date of a chosen period is refused. */
export type RangeProblem = "date" | "future" | "before_start" | "too_long";
const RANGE_TEXT: Record<RangeProblem, string> = {
  date: "A date as YYYY-MM-DD",
  future: "Not after today",
  before_start: "On or after the start date",
  too_long: `At most ${MAX_RANGE_DAYS} days from the start date`,
};

/**
 * A chosen period from two dates typed by staff (`from`, `to`, both included), checked: real dates,
 * from ≤ to, not after today, at most 366 days. The problem of each field, or the range.
 */
export function checkDayRange(
  input: { from?: string; to?: string },
  now: Date,
): { range: { from: string; to: string } } | { problems: Partial<Record<"from" | "to", RangeProblem>> } {
  const from = (input.from ?? "").trim();
  const to = (input.to ?? "").trim();
  const problems: Partial<Record<"from" | "to", RangeProblem>> = {};
  if (!validDate(from)) problems.from = "date";
  else if (from > utcDate(now)) problems.from = "future";
  if (!validDate(to)) problems.to = "date";
  else if (to > utcDate(now)) problems.to = "future";
  if (!problems.from && !problems.to) {
    if (from > to) problems.to = "before_start";
    else if ((Date.parse(to) - Date.parse(from)) / DAY + 1 > MAX_RANGE_DAYS) problems.to = "too_long";
  }
  return problems.from || problems.to ? { problems } : { range: { from, to } };
}

/** The API's reading of a chosen period: 422 naming the field, in English. */
export function readDayRange(input: { from?: string; to?: string }, now: Date): { from: string; to: string } {
  const checked = checkDayRange(input, now);
  if ("range" in checked) return checked.range;
  throw new Validation(Object.fromEntries(Object.entries(checked.problems).map(([field, code]) => [field, [RANGE_TEXT[code]]])));
}
