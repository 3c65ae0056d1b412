import { sql } from "kysely";
import type { Ctx } from "../context.ts";
import { DAY, dbNow, fromDbTime, toDbTime } from "../lib/time.ts";
import { onPlatform } from "../tenancy/scoped.ts";
import { figuresBetween } from "./figures.ts";

interface DayTotals {
  date: string;
  new_users: number;
  orders_count: number;
  revenue: number;
  cost: number;
  profit: number;
  deposits: number;
  refunds: number;
}

const n = (v: unknown) => Number(v ?? 0);

/** Platform totals of one UTC day: the orders and sales figures by the one definition (figures.ts), new users, deposits. */
async function dayTotals(ctx: Ctx, date: string): Promise<DayTotals> {
  const from = `${date} 00:00:00.000`;
  const to = `${date} 23:59:59.999`;
  // The platform's own figures: a site's customer orders are already counted as their reseller's platform orders.
  const platform = onPlatform(ctx.db);
  const users = await platform
    .selectFrom("users")
    .select((e) => e.fn.countAll<number>().as("n"))
    .where("created_at", ">=", from)
    .where("created_at", "<=", to)
    .executeTakeFirstOrThrow();
  const figures = await figuresBetween(platform, { from: date, to: date });
  const deposits = await platform
    .selectFrom("transactions")
    .select((e) => e.fn.sum<number>("amount").as("total"))
    .where("status", "=", "completed")
    .where("type", "=", "deposit")
    .where("created_at", ">=", from)
    .where("created_at", "<=", to)
    .executeTakeFirstOrThrow();
  return {
    date,
    new_users: n(users.n),
    orders_count: figures.orders,
    revenue: figures.revenue,
    cost: figures.cost,
    profit: figures.profit,
    deposits: n(deposits.total),
    refunds: figures.refunds,
  };
}

/** Refunds may be booked after a run and still be in flight while it reads: looking back this much further loses none. */
const LATE_MARGIN_MS = 10 * 60_000;
/** At most this many earlier days are re-rolled in one run (the rest at the next runs). */
const MAX_LATE_DAYS = 62;

/**
 * The earlier days whose figures changed since the last run: an order belongs to the day it was placed and
 * its refunds, whenever they come, reduce that day (figures.ts) — a refund booked today of last week's
 * order makes last week's day stale. Found through the refund rows booked since the last run (indexed by
 * `created_at`), not by scanning orders.
 */
async function daysWithLateRefunds(ctx: Ctx, before: string): Promise<string[]> {
  const last = await ctx.db
    .selectFrom("platform_statistics")
    .select((e) => e.fn.max("updated_at").as("at"))
    .executeTakeFirst();
  if (!last?.at) return [];
  const since = toDbTime(new Date(fromDbTime(String(last.at)).getTime() - LATE_MARGIN_MS));
  const rows = await onPlatform(ctx.db)
    .selectFrom("transactions")
    .innerJoin("orders", "orders.id", "transactions.order_id")
    .select(sql<string>`substr(orders.created_at, 1, 10)`.as("day"))
    .distinct()
    .where("transactions.type", "=", "refund")
    .where("transactions.created_at", ">=", since)
    .where("orders.created_at", "<", `${before} 00:00:00.000`)
    .orderBy("day", "desc")
    .limit(MAX_LATE_DAYS)
    .execute();
  return rows.map((r) => String(r.day));
}

/**
 * Rolls up yesterday and today into platform_statistics and user_statistics (idempotent upserts), and
 * the earlier days a late refund changed since the last run.
 */
export async function rollupStatistics(ctx: Ctx): Promise<{ days: string[] }> {
  const today = toDbTime(ctx.clock.now()).slice(0, 10);
  const yesterday = toDbTime(new Date(ctx.clock.now().getTime() - DAY)).slice(0, 10);
  const now = dbNow(ctx.clock);
  const late = await daysWithLateRefunds(ctx, yesterday);
  const days = [...late.reverse(), yesterday, today];
  for (const date of days) {
    const t = await dayTotals(ctx, date);
    const { date: _d, ...values } = t;
    void _d;
    const updated = await ctx.db
      .updateTable("platform_statistics")
      .set({ ...values, updated_at: now })
      .where("date", "=", date)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0)
      await ctx.db
        .insertInto("platform_statistics")
        .values({ date, ...values, created_at: now, updated_at: now })
        .execute();

    const perUser = await ctx.db
      .selectFrom("transactions")
      .select([
        "user_id",
        sql<number>`sum(case when type = 'order' then -amount else 0 end)`.as("spent"),
        sql<number>`sum(case when type = 'deposit' then amount else 0 end)`.as("deposited"),
        sql<number>`sum(case when type = 'order' then 1 else 0 end)`.as("orders_count"),
      ])
      .where("status", "=", "completed")
      .where("created_at", ">=", `${date} 00:00:00.000`)
      .where("created_at", "<=", `${date} 23:59:59.999`)
      .groupBy("user_id")
      .execute();
    for (const u of perUser) {
      const v = { spent: n(u.spent), deposited: n(u.deposited), orders_count: n(u.orders_count), updated_at: now };
      const r = await ctx.db.updateTable("user_statistics").set(v).where("user_id", "=", u.user_id).where("date", "=", date).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0)
        await ctx.db
          .insertInto("user_statistics")
          .values({ user_id: u.user_id, date, ...v, created_at: now })
          .execute();
    }
  }
  return { days };
}
