import type { Ctx } from "../context.ts";
import type { Site } from "../db/schema.ts";
import type { Lang } from "../i18n/lang.ts";
import { formatRate, fromPlatform } from "../money/exchange.ts";
import { formatMoney, MICRO, roundDownToMinor } from "../money/money.ts";
import { displayMoney } from "../storefront/format.ts";
import { siteCurrency, type SiteCurrency } from "./currency.ts";
import type { Translate } from "../storefront/view-models.ts";
import { AppError, NotFound } from "../core/errors.ts";

/** What a sample of the platform currency comes to in the site's: 1 000 F CFA → 1.52 € (rounded down, as a refund would be). */
const PREVIEW_AMOUNT = 1000 * MICRO;

function previewAmount(c: Pick<SiteCurrency, "currency" | "rate">): number | null {
  return c.rate === null ? null : roundDownToMinor(fromPlatform(PREVIEW_AMOUNT, c.rate, "down"), c.currency);
}

/** `GET/PUT /api/white-label/sites/{uuid}/currency`. */
export function siteCurrencyView(c: SiteCurrency) {
  const preview = previewAmount(c);
  return {
    currency: c.currency,
    platform_currency: c.platformCurrency,
    follows_platform: c.ownRate === null,
    rate: c.rate === null ? null : formatRate(c.rate),
    own_rate: c.ownRate === null ? null : formatRate(c.ownRate),
    platform_rate: c.platformRate === null ? null : formatRate(c.platformRate),
    preview: preview === null ? null : { [c.platformCurrency]: formatMoney(PREVIEW_AMOUNT), [c.currency]: formatMoney(preview) },
    currency_change: c.locked === null ? "allowed" : `refused_${c.locked}`,
    currencies: c.offered.map((o) => ({ code: o.code, rate: formatRate(o.rate) })),
  };
}

/** "655,957 F CFA": a rate with all its decimals (never rounded to 2, it is not an amount). */
function rateText(rate: number, currency: string, lang: Lang): string {
  return new Intl.NumberFormat(lang === "fr" ? "fr-FR" : "en-US", { style: "currency", currency, minimumFractionDigits: 0, maximumFractionDigits: 6 }).format(
    formatRate(rate) as `${number}`,
  );
}

export interface CurrencySection {
  action: string;
  current: string;
  rateLine: string | null;
  rateSource: string;
  preview: string | null;
  locked: string | null;
  platformCurrency: string;
  options: { value: string; label: string; selected: boolean }[];
  followChecked: boolean;
  ownChecked: boolean;
  rateHint: string;
  rateValue: string;
}

/** The site page's currency section: what is in force, a preview, and the form (what was typed kept after a refusal). */
export async function currencySection(
  ctx: Ctx,
  site: Site,
  f: { lang: Lang; t: Translate },
  typed: Record<string, string> | undefined,
): Promise<CurrencySection> {
  const c = await siteCurrency(ctx, site);
  const preview = previewAmount(c);
  const chosen = typed?.currency ?? c.currency;
  const codes = [...new Set([...c.offered.map((o) => o.code), c.currency])];
  const mode = typed?.rate_mode ?? (c.ownRate === null ? "follow" : "own");
  return {
    action: `/white-label/sites/${site.uuid}/currency`,
    current: c.currency,
    rateLine:
      c.rate === null || c.currency === c.platformCurrency
        ? null
        : `${displayMoney(MICRO, c.currency, f.lang)} = ${rateText(c.rate, c.platformCurrency, f.lang)}`,
    rateSource: f.t(
      c.currency === c.platformCurrency ? "platform.wl.cur.source_same" : c.ownRate === null ? "platform.wl.cur.source_platform" : "platform.wl.cur.source_own",
    ),
    preview: preview === null ? null : `${displayMoney(PREVIEW_AMOUNT, c.platformCurrency, f.lang)} = ${displayMoney(preview, c.currency, f.lang)}`,
    locked: c.locked ? f.t(`platform.wl.cur.locked_${c.locked}`) : null,
    platformCurrency: c.platformCurrency,
    options: codes.map((code) => ({ value: code, label: `${code} — ${currencyName(code, f.lang)}`, selected: code === chosen })),
    followChecked: mode !== "own",
    ownChecked: mode === "own",
    rateHint: f.t("platform.wl.cur.rate_hint", { platform: c.platformCurrency }),
    rateValue: c.ownRate === null ? "" : formatRate(c.ownRate),
  };
}

function currencyName(code: string, lang: Lang): string {
  try {
    return new Intl.DisplayNames([lang], { type: "currency" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** The form's fields → the verb's input: the own rate only when "own" is chosen. */
export function currencyInput(fields: Record<string, string>): Record<string, unknown> {
  const own = fields.rate_mode === "own";
  return { currency: fields.currency ?? "", rate: own ? (fields.rate ?? "").trim() : null };
}

/** A refusal of the currency form, translated: the field in error named, or the whole form's reason (money in the site). */
export function currencyErrors(err: unknown, t: Translate): Record<string, string[]> {
  if (!(err instanceof AppError) || err instanceof NotFound || ![409, 422].includes(err.status)) throw err;
  if (err.code === "site_has_money") {
    const reason = /balance/.test(err.message) ? "balances" : /deposits/.test(err.message) ? "pending" : "orders";
    return { _currency: [t(`platform.wl.cur.locked_${reason}`)] };
  }
  if (err.status === 409) return { _currency: [t("platform.wl.cur.error.try_again")] };
  const details = err.details && typeof err.details === "object" ? (err.details as Record<string, string[]>) : {};
  const out: Record<string, string[]> = { _currency: [t("form.error.check_fields")] };
  if (details.currency) out.currency = [t("platform.wl.cur.error.currency")];
  if (details.rate) out.rate = [t(details.rate.join(" ").includes("no rate") ? "platform.wl.cur.error.no_rate" : "platform.wl.cur.error.rate")];
  return out;
}
