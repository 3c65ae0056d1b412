import type { Ctx } from "../context.ts";
import { Forbidden, NotFound, Validation } from "../core/errors.ts";
import { DAY, dbNow, toDbTime } from "../lib/time.ts";
import { formatMoney, parseBasisPoints, parseMoney } from "../money/money.ts";
import { SETTING_DEFAULTS, getSettings, putSetting } from "../settings/service.ts";
import { checkReferralRate } from "../referrals/rates.ts";
import { dayTotals } from "../statistics/rollup.ts";
import { writeAudit } from "../audit/audit.ts";
import { repriceAll } from "../catalog/reprice.ts";
import { onPlatform, PLATFORM_TENANT_ID } from "../tenancy/scoped.ts";
import { checkedPlatformBranding } from "./branding.ts";
import { ACTIVE_STATUSES } from "../orders/statuses.ts";

const n = (v: unknown) => Number(v ?? 0);

/** The console's headline figures (money in micro-units), for the JSON dashboard and the console page. */
export async function dashboardFigures(ctx: Ctx) {
  const db = ctx.db;
  // The console's figures are the platform's own users, orders and tickets, not the sites' customers.
  const platform = onPlatform(db);
  const today = toDbTime(ctx.clock.now()).slice(0, 10);
  const [users, banned, orders, inFlight, held, deposits, tickets, sites, todayTotals] = await Promise.all([
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
      .selectFrom("orders")
      .select((e) => [
        e.fn.countAll<number>().as("n"),
        e.fn.sum<number>("charge").as("charge"),
        e.fn.sum<number>("refunded").as("refunded"),
        e.fn.sum<number>("provider_cost").as("cost"),
      ])
      .where("status", "!=", "failed")
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
    dayTotals(ctx, today),
  ]);
  const revenue = n(orders.charge) - n(orders.refunded);
  return {
    users: { total: n(users.n), banned: n(banned.n), new_today: todayTotals.new_users },
    orders: { total: n(orders.n), in_progress: n(inFlight.n), awaiting_reconciliation: n(held.n), today: todayTotals.orders_count },
    revenue: { total: revenue, cost: n(orders.cost), profit: revenue - n(orders.cost), today: todayTotals.revenue, profit_today: todayTotals.profit },
    deposits: { pending_count: n(deposits.n), pending_total: n(deposits.total), today: todayTotals.deposits },
    support: { open_tickets: n(tickets.n) },
    white_label: Object.fromEntries(sites.map((s) => [s.status, n(s.n)])) as Record<string, number>,
  };
}

export async function dashboard(ctx: Ctx) {
  const f = await dashboardFigures(ctx);
  return {
    ...f,
    revenue: {
      total: formatMoney(f.revenue.total),
      cost: formatMoney(f.revenue.cost),
      profit: formatMoney(f.revenue.profit),
      today: formatMoney(f.revenue.today),
      profit_today: formatMoney(f.revenue.profit_today),
    },
    deposits: { ...f.deposits, pending_total: formatMoney(f.deposits.pending_total), today: formatMoney(f.deposits.today) },
  };
}

/** Daily orders, revenue, cost, profit and deposits (micro-units) for the last `days` days: rolled-up days from platform_statistics, today live. */
export async function dailyFigures(ctx: Ctx, days: number) {
  const now = ctx.clock.now().getTime();
  const dates = Array.from({ length: days }, (_, i) => toDbTime(new Date(now - (days - 1 - i) * DAY)).slice(0, 10));
  const stored = await ctx.db.selectFrom("platform_statistics").selectAll().where("date", ">=", dates[0]!).execute();
  const byDate = new Map(stored.map((s) => [String(s.date).slice(0, 10), s]));
  const today = dates[dates.length - 1]!;
  const out = [];
  for (const date of dates) {
    const s = date === today || !byDate.has(date) ? await dayTotals(ctx, date) : byDate.get(date)!;
    out.push({ date, orders: n(s.orders_count), revenue: n(s.revenue), cost: n(s.cost), profit: n(s.profit), deposits: n(s.deposits) });
  }
  return out;
}

/** The JSON API's revenue chart: the daily figures with money as decimal strings. */
export async function revenueChart(ctx: Ctx, days: number) {
  return (await dailyFigures(ctx, days)).map((d) => ({
    ...d,
    revenue: formatMoney(d.revenue),
    cost: formatMoney(d.cost),
    profit: formatMoney(d.profit),
    deposits: formatMoney(d.deposits),
  }));
}

/** How many of the platform's orders are in each status. */
export async function ordersByStatus(ctx: Ctx): Promise<{ status: string; count: number }[]> {
  const rows = await onPlatform(ctx.db)
    .selectFrom("orders")
    .select(["status", (e) => e.fn.countAll<number>().as("n")])
    .groupBy("status")
    .execute();
  return rows.map((r) => ({ status: String(r.status), count: n(r.n) })).sort((a, b) => b.count - a.count);
}

type SettingDef = { type: string; group: string; description: string };

export async function listSettings(ctx: Ctx) {
  const values = await getSettings(ctx);
  return Object.entries(values).map(([key, value]) => {
    const d = (SETTING_DEFAULTS as Record<string, SettingDef>)[key];
    return {
      key,
      value: d?.type === "money" ? formatMoney(parseMoney(value) ?? 0) : value,
      type: d?.type ?? "string",
      group: d?.group ?? "general",
      description: d?.description ?? null,
    };
  });
}

/** Validates a setting by its declared type before storing it; unknown keys are refused. */
export async function updateSetting(ctx: Ctx, key: string, raw: unknown) {
  // Own keys only: "__proto__" or "constructor" must not pass for a setting through the prototype.
  const d = Object.hasOwn(SETTING_DEFAULTS, key) ? (SETTING_DEFAULTS as Record<string, SettingDef>)[key] : undefined;
  if (!d) throw new NotFound(`Unknown setting ${key}`);
  if (ctx.user?.role !== "admin") throw new Forbidden();
  const text = typeof raw === "number" || typeof raw === "boolean" ? String(raw) : typeof raw === "string" ? raw.trim() : d.type === "branding" ? "" : null;
  const bad = (m: string) => new Validation({ value: [m] });
  if (text === null) throw bad("A value is required");
  let value = text;
  switch (d.type) {
    case "integer":
      if (key.endsWith("_bp")) {
        // Basis points, or a percentage that says so: "12.5%" is 1250.
        const bp = parseBasisPoints(text);
        if (bp === null) throw bad('Basis points as a whole number (1250), or a percentage such as "12.5%"');
        if (bp > 100_000) throw bad("At most 100000 basis points");
        await checkReferralRate(ctx, key, bp);
        value = String(bp);
      } else if (!/^\d{1,9}$/.test(text)) throw bad("Must be a whole number ≥ 0");
      break;
    case "boolean":
      if (!["0", "1", "true", "false"].includes(text)) throw bad("Must be true or false");
      value = text === "1" || text === "true" ? "1" : "0";
      break;
    case "money": {
      const m = parseMoney(text);
      if (m === null || m < 0) throw bad("Must be a positive amount with at most 6 decimals");
      // Exact decimal text: a float division would round amounts past 15 significant digits.
      value = formatMoney(m, 0);
      break;
    }
    case "branding":
      value = JSON.stringify(await checkedPlatformBranding(ctx, raw));
      break;
    default:
      if (text.length < 1 || text.length > 500) throw bad("Between 1 and 500 characters");
      if (key === "currency" && !/^[A-Z]{3}$/.test(text)) throw bad("A three-letter currency code");
      if (key === "default_language" && !["fr", "en"].includes(text)) throw bad("fr or en");
  }
  const before = (await getSettings(ctx))[key];
  await putSetting(ctx, key, value);
  await writeAudit(ctx, { action: "settings.update", targetType: "setting", targetId: key, data: { before, after: value } });
  // Every platform price follows the margin (repriceAll announces the catalogue change).
  if (key === "platform_margin_bp") await repriceAll(ctx);
  // The platform's pages show its name, currency, language and branding: drop what was cached of them.
  ctx.events.siteChanged(PLATFORM_TENANT_ID);
  return { key, value: d.type === "money" ? formatMoney(parseMoney(value)!) : value, type: d.type };
}

export async function platformStats(ctx: Ctx) {
  const db = ctx.db;
  const since = dbNow(ctx.clock, -30 * DAY);
  const [services, categories, providers, topServices] = await Promise.all([
    db
      .selectFrom("services")
      .select(["is_active", (e) => e.fn.countAll<number>().as("n")])
      .groupBy("is_active")
      .execute(),
    db
      .selectFrom("categories")
      .select((e) => e.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("api_providers")
      .select((e) => e.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow(),
    // Top services by the platform's own orders (a site's customer orders would count twice with their reseller's).
    onPlatform(db)
      .selectFrom("orders")
      .innerJoin("services", "services.id", "orders.service_id")
      .select(["services.id", "services.name", (e) => e.fn.countAll<number>().as("orders"), (e) => e.fn.sum<number>("orders.charge").as("revenue")])
      .where("orders.created_at", ">=", since)
      .groupBy(["services.id", "services.name"])
      .orderBy("orders", "desc")
      .limit(10)
      .execute(),
  ]);
  return {
    services: { active: n(services.find((s) => n(s.is_active) === 1)?.n), inactive: n(services.find((s) => n(s.is_active) === 0)?.n) },
    categories: n(categories.n),
    providers: n(providers.n),
    top_services_30d: topServices.map((s) => ({ id: s.id, name: s.name, orders: n(s.orders), revenue: formatMoney(n(s.revenue)) })),
  };
}
