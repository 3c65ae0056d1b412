import type { Ctx } from "../context.ts";
import { Unavailable } from "../core/errors.ts";
import type { Site } from "../db/schema.ts";
import { PAR, parseRateTable, type RateMicro, type RateTable } from "../money/exchange.ts";
import { getSetting, platformCurrency, SETTING_DEFAULTS } from "./service.ts";

/** How a site's money relates to the platform's: docs/currencies.md. */
export interface SiteExchange {
  /** What the site's customers pay and hold (ISO 4217). */
  currency: string;
  /** What the reseller pays the platform in. */
  platformCurrency: string;
  /** What one unit of `currency` is worth in `platformCurrency`, × 1,000,000 (PAR for the same currency). */
  rate: RateMicro;
  /** The owner's own fixed rate, rather than the platform's. */
  own: boolean;
}

/** The platform's rates (`currency_rates` setting); a stored value that no longer reads falls back to the defaults. */
export async function platformRates(ctx: Ctx): Promise<RateTable> {
  const parsed = parseRateTable(await getSetting(ctx, "currency_rates"));
  if ("table" in parsed) return parsed.table;
  const fallback = parseRateTable(SETTING_DEFAULTS.currency_rates.value);
  return "table" in fallback ? fallback.table : new Map();
}

/** The rate a site would follow for `currency`: PAR for the platform currency, the platform's rate, or null when it has none. */
export async function followedRate(ctx: Ctx, currency: string): Promise<RateMicro | null> {
  if (currency === (await platformCurrency(ctx))) return PAR;
  return (await platformRates(ctx)).get(currency) ?? null;
}

/**
 * A site's exchange now: its own rate when the owner set one, else the platform's for its currency.
 * A currency the platform has stopped quoting (and no own rate) sells nothing: 503, never a guess.
 */
export async function siteExchange(ctx: Ctx, site: Pick<Site, "currency" | "currency_rate">): Promise<SiteExchange> {
  const platform = await platformCurrency(ctx);
  const currency = /^[A-Z]{3}$/.test(site.currency) ? site.currency : platform;
  if (currency === platform) return { currency, platformCurrency: platform, rate: PAR, own: false };
  if (site.currency_rate != null && Number(site.currency_rate) > 0)
    return { currency, platformCurrency: platform, rate: Number(site.currency_rate), own: true };
  const rate = (await platformRates(ctx)).get(currency);
  if (!rate) throw new Unavailable("This site's currency has no exchange rate at the moment, please try again later", "no_exchange_rate");
  return { currency, platformCurrency: platform, rate, own: false };
}

/** The request's tenant's exchange: null on the platform. */
export async function tenantExchange(ctx: Ctx): Promise<SiteExchange | null> {
  return ctx.tenant.kind === "site" ? siteExchange(ctx, ctx.tenant.site) : null;
}
