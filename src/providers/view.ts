import { formatMoney } from "../money/money.ts";
import { toIso } from "../lib/time.ts";
import type { AdminProvider } from "./service.ts";
import type { ConnectionTest } from "./connection.ts";
import { notSelling, notSellingMessage } from "./selling.ts";

/** At most the last four characters of a long key, so an admin can tell keys apart; never the key. */
function keyHint(key: string): string | null {
  return key.length >= 16 ? `••••${key.slice(-4)}` : null;
}

export function adminProviderView(p: AdminProvider) {
  return {
    id: p.id,
    name: p.name,
    url: p.url,
    key_set: p.api_key.length > 0,
    key_hint: keyHint(p.api_key),
    currency: p.currency,
    /** null until an admin sets one: nothing of this provider is sold without it. */
    exchange_rate: Number(p.exchange_rate) > 0 ? formatMoney(Number(p.exchange_rate)) : null,
    is_active: Boolean(p.is_active),
    /** Whether its services are listed and can be ordered; if not, why (inactive, no_exchange_rate, currency_mismatch). */
    selling: notSelling(p) === null,
    not_selling_reason: notSelling(p),
    not_selling_message: notSellingMessage(p),
    /** "env" (SMM_API_URL) or "simulated": URL, key and currency come from the configuration. */
    managed_by: p.code,
    balance: p.balance === null ? null : formatMoney(Number(p.balance)),
    /** The currency of the last balance answer, when the provider said. */
    balance_currency: p.balance_currency,
    balance_checked_at: toIso(p.balance_checked_at),
    balance_low: Boolean(p.balance_low),
    /** The provider's own threshold (its currency), null when it follows the platform-wide setting. */
    low_balance_threshold: p.low_balance_threshold === null ? null : formatMoney(Number(p.low_balance_threshold)),
    /** The threshold in force, in the provider's currency; null when it needs an exchange rate the provider lacks. */
    effective_low_balance_threshold: p.effective_low_balance_threshold === null ? null : formatMoney(p.effective_low_balance_threshold),
    last_sync_at: toIso(p.last_sync_at),
    /** What is broken with the provider now ("sync: …" catalogue, "status: …" order status sync) and since when. */
    last_error: p.last_error,
    last_error_at: toIso(p.last_error_at),
    /** "single" while the panel does not answer batched status (`orders=`): one status call per order. */
    status_mode: p.status_single_since === null ? "batch" : "single",
    status_single_since: toIso(p.status_single_since),
    services_count: p.services_count,
    active_services_count: p.active_services_count,
    created_at: toIso(p.created_at),
    updated_at: toIso(p.updated_at),
  };
}

/** A connection test's answer: amounts as decimal strings. */
export function connectionTestView(t: ConnectionTest) {
  return {
    provider_id: t.provider_id,
    balance: t.balance.ok ? { ok: true, amount: formatMoney(t.balance.amount), currency: t.balance.currency } : t.balance,
    services: t.services,
  };
}
