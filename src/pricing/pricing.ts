import { addMargin, chargeFor, convert, mulDiv, roundDownToMinor, roundUpToMinor } from "../money/money.ts";

/**
 * The one pricing module. All rates are micro-units per 1000 units; margins are basis points.
 *
 *   provider rate × exchange rate            → platform base rate
 *   base rate × (1 + platform margin)        → platform rate (services.rate)
 *   per-user override                        → that user's rate
 *   reseller's rate × (1 + site margin) | fixed site price → site rate
 *
 * Rates stay exact in micro-units; what is booked is a whole minor unit of the booking currency:
 * a charge rounds up to it, a refund down (src/money/money.ts, roundUpToMinor / roundDownToMinor).
 */

/** Provider rate (provider currency) → platform base rate (platform currency). */
export function baseRate(providerRate: number, exchangeRateMicro: number): number {
  return convert(providerRate, exchangeRateMicro);
}

/** Platform rate from the base rate and the margin (per-service margin wins over the platform one). */
export function platformRate(base: number, platformMarginBp: number, serviceMarginBp?: number | null): number {
  return addMargin(base, serviceMarginBp ?? platformMarginBp);
}

/** What a platform user pays per 1000: their custom price if an admin set one. */
export function userRate(serviceRate: number, overrideRate?: number | null): number {
  return overrideRate ?? serviceRate;
}

export interface SiteRule {
  marginBp: number | null;
  fixedRate: number | null;
  hidden?: boolean;
}

/**
 * A site's price per 1000 from the reseller's own cost: the service's rule, else its category's,
 * else the site's default margin. A fixed price beats a margin at the same level.
 */
export function siteRate(resellerCost: number, defaultMarginBp: number, serviceRule?: SiteRule | null, categoryRule?: SiteRule | null): number {
  const rule = pricingRule(serviceRule, categoryRule);
  if (rule?.fixedRate != null) return rule.fixedRate;
  return addMargin(resellerCost, rule?.marginBp ?? defaultMarginBp);
}

/** Which level sets a service's site price: its own rule, its category's (the first with a margin or a fixed price), else the default margin. */
export function pricingLevel(serviceRule?: SiteRule | null, categoryRule?: SiteRule | null): "service" | "category" | "default" {
  if (serviceRule && (serviceRule.fixedRate != null || serviceRule.marginBp != null)) return "service";
  if (categoryRule && (categoryRule.fixedRate != null || categoryRule.marginBp != null)) return "category";
  return "default";
}

/** The rule that sets a service's site price, or null when the default margin does. */
export function pricingRule(serviceRule?: SiteRule | null, categoryRule?: SiteRule | null): SiteRule | null {
  const level = pricingLevel(serviceRule, categoryRule);
  return level === "service" ? serviceRule! : level === "category" ? categoryRule! : null;
}

/** A site price's markup over the reseller's cost in basis points ((price − cost) / cost), null for a free cost. */
export function markupBp(resellerCost: number, siteRate: number): number | null {
  return resellerCost > 0 ? mulDiv(siteRate - resellerCost, 10_000, resellerCost) : null;
}

export function isHiddenOnSite(serviceRule?: SiteRule | null, categoryRule?: SiteRule | null): boolean {
  return Boolean(serviceRule?.hidden || categoryRule?.hidden);
}

/** Units the provider delivers for an order: drip-feed sends `quantity` on each of `runs` runs. */
export function totalQuantity(quantity: number, runs?: number | null): number {
  return runs && runs > 1 ? quantity * runs : quantity;
}

/** What `quantity` units cost at `rate` per 1000 (a package: its flat rate), exact in micro-units: a provider cost, not a charge. */
export function orderCost(rate: number, quantity: number, opts: { type?: string; runs?: number | null } = {}): number {
  if (opts.type === "Package") return rate;
  return chargeFor(rate, totalQuantity(quantity, opts.runs));
}

/** What an order is charged: its cost rounded UP to a whole minor unit of the currency (862.7424 XOF → 863). */
export function orderCharge(rate: number, quantity: number, currency: string, opts: { type?: string; runs?: number | null } = {}): number {
  return roundUpToMinor(orderCost(rate, quantity, opts), currency);
}

/** The share of `amount` for `remains` of `quantity` units, exact in micro-units and never more than `amount`. */
export function proRata(amount: number, remains: number, quantity: number): number {
  if (quantity <= 0 || remains <= 0) return 0;
  if (remains >= quantity) return amount;
  return Math.min(amount, mulDiv(amount, remains, quantity));
}

/**
 * Refund of a Partial: the pro-rata share of what was paid for the undelivered units, rounded DOWN to a
 * whole minor unit; everything undelivered returns exactly the charge.
 */
export function partialRefund(charge: number, remains: number, quantity: number, currency: string): number {
  const share = proRata(charge, remains, quantity);
  return share === charge ? charge : roundDownToMinor(share, currency);
}

/** The part of a refund still owed on an order: together, an order's refunds never exceed its charge. */
export function refundable(charge: number, alreadyRefunded: number, wanted: number): number {
  return Math.max(0, Math.min(wanted, charge - Math.max(0, alreadyRefunded)));
}
