import type { Ctx } from "../../context.ts";
import { startOfUtcDay, startOfUtcMonth } from "../../lib/time.ts";
import { getSetting } from "../../settings/service.ts";
import { inTenant } from "../../tenancy/scoped.ts";
import { figuresBetween, utcDate, type DayRange } from "../../statistics/figures.ts";

export interface OrderFigures {
  count: number;
  revenue: number;
  cost: number;
  profit: number;
  white_label_sales: number;
}

export interface FinanceStats {
  currency: string;
  deposits: {
    pending: { count: number; amount: number; fees: number };
    completed: { count: number; amount: number; fees: number };
    today: { count: number; amount: number };
    this_month: { count: number; amount: number };
  };
  orders: { all_time: OrderFigures; today: OrderFigures; this_month: OrderFigures };
}

/** A period's order economics by the one definition (statistics/figures.ts); white-label sales count in revenue. */
async function orderFigures(ctx: Ctx, range: DayRange): Promise<OrderFigures> {
  const f = await figuresBetween(inTenant(ctx), range);
  return { count: f.orders, revenue: f.revenue, cost: f.cost, profit: f.profit, white_label_sales: f.white_label.amount };
}

async function depositFigures(ctx: Ctx, status: "pending" | "completed", since?: string) {
  let q = inTenant(ctx)
    .selectFrom("transactions")
    .select([(e) => e.fn.countAll<number>().as("n"), (e) => e.fn.sum<number>("amount").as("amount"), (e) => e.fn.sum<number>("fee").as("fees")])
    .where("type", "=", "deposit")
    .where("status", "=", status);
  if (since) q = q.where("verified_at", ">=", since);
  const r = await q.executeTakeFirstOrThrow();
  return { count: Number(r.n), amount: Number(r.amount ?? 0), fees: Number(r.fees ?? 0) };
}

/** Deposits and order economics of the tenant (credited amounts; fees apart). */
export async function financeStats(ctx: Ctx): Promise<FinanceStats> {
  const now = ctx.clock.now();
  const today = startOfUtcDay(now);
  const month = startOfUtcMonth(now);
  const [pending, completed, depToday, depMonth, all, ordToday, ordMonth, currency] = await Promise.all([
    depositFigures(ctx, "pending"),
    depositFigures(ctx, "completed"),
    depositFigures(ctx, "completed", today),
    depositFigures(ctx, "completed", month),
    orderFigures(ctx, { from: null, to: utcDate(now) }),
    orderFigures(ctx, { from: today.slice(0, 10), to: utcDate(now) }),
    orderFigures(ctx, { from: month.slice(0, 10), to: utcDate(now) }),
    getSetting(ctx, "currency"),
  ]);
  return {
    currency,
    deposits: { pending, completed, today: { count: depToday.count, amount: depToday.amount }, this_month: { count: depMonth.count, amount: depMonth.amount } },
    orders: { all_time: all, today: ordToday, this_month: ordMonth },
  };
}
