import { sql } from "kysely";
import type { Ctx } from "../../context.ts";
import { startOfUtcDay, startOfUtcMonth } from "../../lib/time.ts";
import { getSetting } from "../../settings/service.ts";
import { inTenant } from "../../tenancy/scoped.ts";

export interface OrderFigures {
  count: number;
  revenue: number;
  cost: number;
  profit: number;
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

async function orderFigures(ctx: Ctx, since: string | null): Promise<OrderFigures> {
  let q = inTenant(ctx)
    .selectFrom("orders")
    .select([
      (e) => e.fn.countAll<number>().as("n"),
      sql<number>`sum(charge - refunded)`.as("revenue"),
      // What the provider keeps: the recorded cost, in proportion to what the customer was not refunded.
      sql<number>`sum(case when refunded <= 0 then provider_cost when refunded >= charge then 0 else provider_cost * (charge - refunded) / charge end)`.as(
        "cost",
      ),
    ]);
  if (since) q = q.where("created_at", ">=", since);
  const r = await q.executeTakeFirstOrThrow();
  const revenue = Number(r.revenue ?? 0);
  const cost = Math.round(Number(r.cost ?? 0));
  return { count: Number(r.n), revenue, cost, profit: revenue - cost };
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
    orderFigures(ctx, null),
    orderFigures(ctx, today),
    orderFigures(ctx, month),
    getSetting(ctx, "currency"),
  ]);
  return {
    currency,
    deposits: { pending, completed, today: { count: depToday.count, amount: depToday.amount }, this_month: { count: depMonth.count, amount: depMonth.amount } },
    orders: { all_time: all, today: ordToday, this_month: ordMonth },
  };
}
