import type { Ctx } from "../context.ts";
import { Forbidden, NotFound, Validation } from "../core/errors.ts";
import { formatMoney, parseBasisPoints, parseMoney } from "../money/money.ts";
import { SETTING_DEFAULTS, getSettings, platformCurrency, putSetting } from "../settings/service.ts";
import { formatRateTable, parseRateTable } from "../money/exchange.ts";
import { checkReferralRate } from "../referrals/rates.ts";
import { lastDays, utcDate } from "../statistics/figures.ts";
import { topServices } from "./dashboard.ts";
import { writeAudit } from "../audit/audit.ts";
import { repriceAll } from "../catalog/reprice.ts";
import { PLATFORM_TENANT_ID } from "../tenancy/scoped.ts";
import { checkedPlatformBranding } from "./branding.ts";

const n = (v: unknown) => Number(v ?? 0);

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
