import { sql, type Expression, type SqlBool } from "kysely";

/** Why a provider's services are not sold; null when they are. One rule, in SQL for listings and orders and in JS for admins. */
type NotSelling = "inactive" | "no_exchange_rate" | "currency_mismatch";

interface SellingFacts {
  is_active: number | boolean;
  exchange_rate: number | string;
  currency: string;
  balance_currency: string | null;
}

export function notSelling(p: SellingFacts): NotSelling | null {
  if (!Number(p.is_active)) return "inactive";
  if (!(Number(p.exchange_rate) > 0)) return "no_exchange_rate";
  if (p.balance_currency !== null && p.balance_currency.toUpperCase() !== p.currency.toUpperCase()) return "currency_mismatch";
  return null;
}

/** The same rule over the joined `api_providers` row: only its services are listed and can be ordered. */
export const providerSells: Expression<SqlBool> = sql<SqlBool>`(${sql.ref("api_providers.is_active")} = 1 and ${sql.ref("api_providers.exchange_rate")} > 0 and (${sql.ref("api_providers.balance_currency")} is null or upper(${sql.ref("api_providers.balance_currency")}) = upper(${sql.ref("api_providers.currency")})))`;

/** One line an operator can act on. */
export function notSellingMessage(p: SellingFacts & { id: number; name: string }): string | null {
  switch (notSelling(p)) {
    case null:
      return null;
    case "inactive":
      return `${p.name}: switched off`;
    case "no_exchange_rate":
      return `${p.name}: not selling, no exchange rate for ${p.currency}; set one with PUT /api/admin/services/providers/${p.id} {"exchange_rate": "…"}`;
    case "currency_mismatch":
      return `${p.name}: not selling, its balance is in ${p.balance_currency} but the provider is set to ${p.currency}; correct the currency`;
  }
}
