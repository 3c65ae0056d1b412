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
const zero = (): Figures => ({ orders: 0, charges: 0, refunds: 0, order_revenue: 0, white_label: { count: 0, amount: 0 }, revenue: 0, cost: 0, profit: 0 });
const dayOf = (column: string) => sql<string>`substr(${sql.ref(column)}, 1, 10)`;
const startOf = (date: string) => `${date} 00:00:00.000`;
const nextDay = (date: string) => toDbTime(new Date(Date.parse(`${date}T00:00:00Z`) + DAY)).slice(0, 10);

function settle(f: Figures): Figures {
  f.order_revenue = f.charges - f.refunds;
  f.revenue = f.order_revenue + f.white_label.amount;
  f.profit = f.revenue - f.cost;
  return f;
}

type Group = { key: RawBuilder<unknown>; by: RawBuilder<unknown> };
const BY_DAY: Group = { key: dayOf("orders.created_at"), by: sql`substr(orders.created_at, 1, 10)` };
const BY_SERVICE: Group = { key: sql`orders.service_id`, by: sql`orders.service_id` };

/** Orders' charges, refunds and provider cost by the definition above, grouped by day or by service. */
async function orderFiguresBy(scope: TenantScope, range: DayRange, group: Group, into: (key: unknown) => Figures): Promise<void> {
  const until = startOf(nextDay(range.to));
  const since = range.from ? startOf(range.from) : null;
  let orders = scope
    .selectFrom("orders")
    .select([
      group.key.as("k"),
      (e) => e.fn.countAll<number>().as("n"),
      (e) => e.fn.sum<number>("orders.charge").as("charges"),
      (e) => e.fn.sum<number>("orders.refunded").as("refunds"),
      // Unrefunded orders keep their whole cost; fully refunded ones none; partial ones are summed exactly below.
      sql<number>`sum(case when orders.refunded <= 0 then orders.provider_cost else 0 end)`.as("cost"),
    ])
    .where("orders.created_at", "<", until);
  let partial = scope
    .selectFrom("orders")
    .select([group.key.as("k"), "orders.provider_cost", "orders.charge", "orders.refunded"])
    .where("orders.refunded", ">", 0)
    .whereRef("orders.refunded", "<", "orders.charge")
    .where("orders.created_at", "<", until);
  if (since) {
    orders = orders.where("orders.created_at", ">=", since);
    partial = partial.where("orders.created_at", ">=", since);
  }
  const [orderRows, partialRows] = await Promise.all([orders.groupBy(group.by).execute(), partial.execute()]);
  for (const r of orderRows) {
    const f = into(r.k);
    f.orders += n(r.n);
    f.charges += n(r.charges);
    f.refunds += n(r.refunds);
    f.cost += n(r.cost);
  }
  for (const r of partialRows) into(r.k).cost += orderProviderCost(r);
}

/** A map that makes a zero entry for a key seen the first time. */
function tally<K>(norm: (raw: unknown) => K) {
  const map = new Map<K, Figures>();
  const into = (raw: unknown) => {
    const key = norm(raw);
    const known = map.get(key);
    if (known) return known;
    const f = zero();
    map.set(key, f);
    return f;
  };
  return { map, into };
}

/** The figures of each day of the range that had any activity, keyed by `YYYY-MM-DD`. */
export async function figuresByDay(scope: TenantScope, range: DayRange): Promise<Map<string, Figures>> {
  const until = startOf(nextDay(range.to));
  const since = range.from ? startOf(range.from) : null;
  let sales = scope
    .selectFrom("transactions")
    .select([dayOf("transactions.created_at").as("day"), (e) => e.fn.countAll<number>().as("n"), (e) => e.fn.sum<number>("transactions.amount").as("amount")])
    .where("transactions.type", "in", ["white_label_purchase", "subscription"])
    .where("transactions.status", "=", "completed")
    .where("transactions.created_at", "<", until);
  if (since) sales = sales.where("transactions.created_at", ">=", since);
  const { map: days, into } = tally(String);
  const [, saleRows] = await Promise.all([orderFiguresBy(scope, range, BY_DAY, into), sales.groupBy(sql`substr(transactions.created_at, 1, 10)`).execute()]);
  for (const r of saleRows) {
    const f = into(r.day);
    f.white_label.count += n(r.n);
    // Ledger debits are negative: the platform sold what the buyer paid.
    f.white_label.amount -= n(r.amount);
  }
  for (const f of days.values()) settle(f);
  return days;
}

/** The order figures of each service ordered in the range (no white-label sales: they are no service's), keyed by service id. */
export async function figuresByService(scope: TenantScope, range: DayRange): Promise<Map<number, Figures>> {
  const { map, into } = tally(Number);
  await orderFiguresBy(scope, range, BY_SERVICE, into);
  for (const f of map.values()) settle(f);
  return map;
}

/** The figures of a whole period. */
export async function figuresBetween(scope: TenantScope, range: DayRange): Promise<Figures> {
  return addFigures((await figuresByDay(scope, range)).values());
}

/** The sum of several days' figures. */
export function addFigures(days: Iterable<Figures>): Figures {
  const total = zero();
  for (const f of days) {
    total.orders += f.orders;
    total.charges += f.charges;
    total.refunds += f.refunds;
    total.cost += f.cost;
    total.white_label.count += f.white_label.count;
    total.white_label.amount += f.white_label.amount;
  }
  return settle(total);
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
