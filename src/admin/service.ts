import { sql } from "kysely";
import { providerBalances } from "../providers/balances.ts";
import { toIso } from "../lib/time.ts";
import type { Ctx } from "../context.ts";
import { Forbidden, NotFound, Validation } from "../core/errors.ts";
import { formatMoney, parseBasisPoints, parseMoney } from "../money/money.ts";
import { SETTING_DEFAULTS, getSettings, platformCurrency, putSetting } from "../settings/service.ts";
import { formatRateTable, parseRateTable } from "../money/exchange.ts";
import { checkReferralRate } from "../referrals/rates.ts";
import { addFigures, datesOf, figuresBetween, figuresByDay, lastDays, utcDate, type Figures } from "../statistics/figures.ts";
import { writeAudit } from "../audit/audit.ts";
import { repriceAll } from "../catalog/reprice.ts";
import { onPlatform, PLATFORM_TENANT_ID } from "../tenancy/scoped.ts";
import { checkedPlatformBranding } from "./branding.ts";
import { ACTIVE_STATUSES } from "../orders/statuses.ts";

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
 * The console's headline figures (money in micro-units), for the JSON dashboard and the console page:
 * today, the last 7 and 30 days (and a chosen range) by the one definition of `statistics/figures.ts`,
 * and what waits for staff.
 */
export async function dashboardFigures(ctx: Ctx, range?: { from: string; to: string }) {
  const db = ctx.db;
  // The console's figures are the platform's own users, orders and tickets, not the sites' customers.
  const platform = onPlatform(db);
  const now = ctx.clock.now();
  const today = utcDate(now);
  const month = lastDays(now, 30);
  const [users, banned, newToday, inFlight, held, deposits, tickets, sites, days, chosen] = await Promise.all([
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
    figuresByDay(platform, month),
    range ? figuresBetween(platform, range) : null,
  ]);
  const todayFigures = sumDays(days, today, today);
  const week = sumDays(days, lastDays(now, 7).from!, today);
  const thirty = sumDays(days, month.from!, today);
  return {
    users: { total: n(users.n), banned: n(banned.n), new_today: n(newToday.n) },
    orders: { in_progress: n(inFlight.n), awaiting_reconciliation: n(held.n), today: todayFigures.orders },
    periods: { today: todayFigures, last_7_days: week, last_30_days: thirty, range: range && chosen ? { ...range, figures: chosen } : null },
    deposits: { pending_count: n(deposits.n), pending_total: n(deposits.total) },
    support: { open_tickets: n(tickets.n) },
    white_label: Object.fromEntries(sites.map((s) => [s.status, n(s.n)])) as Record<string, number>,
  };
}

/** GET /api/admin/dashboard: the headline figures with money as decimal strings. */
export async function dashboard(ctx: Ctx, range?: { from: string; to: string }) {
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

/** Orders, revenue, cost, profit, white-label sales and deposits (micro-units) of each day of a range, computed live. */
export async function dailyFigures(ctx: Ctx, range: { from: string; to: string }) {
  const platform = onPlatform(ctx.db);
  const [days, deposits] = await Promise.all([
    figuresByDay(platform, range),
    platform
      .selectFrom("transactions")
      .select([sql<string>`substr(created_at, 1, 10)`.as("day"), (e) => e.fn.sum<number>("amount").as("total")])
      .where("type", "=", "deposit")
      .where("status", "=", "completed")
      .where("created_at", ">=", `${range.from} 00:00:00.000`)
      .where("created_at", "<=", `${range.to} 23:59:59.999`)
      .groupBy(sql`substr(created_at, 1, 10)`)
      .execute(),
  ]);
  const deposited = new Map(deposits.map((d) => [String(d.day), n(d.total)]));
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

const rangeWhere = (range: { from: string; to: string }) => [`${range.from} 00:00:00.000`, `${range.to} 23:59:59.999`] as const;

/** How many of the platform's orders placed in the range are in each status. */
export async function ordersByStatus(ctx: Ctx, range: { from: string; to: string }): Promise<{ status: string; count: number }[]> {
  const [from, to] = rangeWhere(range);
  const rows = await onPlatform(ctx.db)
    .selectFrom("orders")
    .select(["status", (e) => e.fn.countAll<number>().as("n")])
    .where("created_at", ">=", from)
    .where("created_at", "<=", to)
    .groupBy("status")
    .execute();
  return rows.map((r) => ({ status: String(r.status), count: n(r.n) })).sort((a, b) => b.count - a.count);
}

/** The services that brought the most order revenue (charges − refunds) in the range; the platform's own orders only (a site's would count twice with its reseller's). */
export async function topServices(ctx: Ctx, range: { from: string; to: string }, limit = 10) {
  const [from, to] = rangeWhere(range);
  const rows = await onPlatform(ctx.db)
    .selectFrom("orders")
    .innerJoin("services", "services.id", "orders.service_id")
    .select(["services.id", "services.name", (e) => e.fn.countAll<number>().as("orders"), sql<number>`sum(orders.charge - orders.refunded)`.as("revenue")])
    .where("orders.created_at", ">=", from)
    .where("orders.created_at", "<=", to)
    .groupBy(["services.id", "services.name"])
    .orderBy("revenue", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, orders: n(r.orders), revenue: n(r.revenue) }));
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
  const text =
    typeof raw === "number" || typeof raw === "boolean"
      ? String(raw)
      : typeof raw === "string"
        ? raw.trim()
        : d.type === "branding" || d.type === "rates"
          ? ""
          : null;
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
    case "rates":
      value = await checkedRates(ctx, typeof raw === "object" && raw !== null ? raw : text);
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
  // Sites that follow the platform's rates price in them: every storefront's cached prices go.
  if (key === "currency_rates") ctx.events.catalogChanged();
  // The platform's pages show its name, currency, language and branding: drop what was cached of them.
  ctx.events.siteChanged(PLATFORM_TENANT_ID);
  return { key, value: d.type === "money" ? formatMoney(parseMoney(value)!) : value, type: d.type };
}

/**
 * The platform's exchange rates (docs/currencies.md), stored as "EUR=655.957; USD=600". A currency that
 * sites follow cannot be dropped: they would stop selling.
 */
async function checkedRates(ctx: Ctx, raw: unknown): Promise<string> {
  const parsed = parseRateTable(raw);
  if ("error" in parsed) throw new Validation({ value: [parsed.error] });
  const followed = await ctx.db.selectFrom("white_label_sites").select("currency").distinct().where("currency_rate", "is", null).execute();
  const platform = await platformCurrency(ctx);
  const missing = followed.map((r) => r.currency).filter((code) => code !== platform && !parsed.table.has(code));
  if (missing.length) throw new Validation({ value: [`Sites follow the platform's rate for ${missing.sort().join(", ")}: keep a rate for it`] });
  return formatRateTable(parsed.table);
}

export async function platformStats(ctx: Ctx) {
  const db = ctx.db;
  const [services, categories, providers, top] = await Promise.all([
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
    topServices(ctx, { from: lastDays(ctx.clock.now(), 30).from!, to: utcDate(ctx.clock.now()) }),
  ]);
  return {
    services: { active: n(services.find((s) => n(s.is_active) === 1)?.n), inactive: n(services.find((s) => n(s.is_active) === 0)?.n) },
    categories: n(categories.n),
    providers: n(providers.n),
    top_services_30d: top.map((s) => ({ id: s.id, name: s.name, orders: s.orders, revenue: formatMoney(s.revenue) })),
  };
}
