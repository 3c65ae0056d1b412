import { formatMoney } from "../money/money.ts";
import { toIso } from "../lib/time.ts";
import type { AdminProvider } from "./service.ts";

/** At most the last four characters of a long key, so an admin can tell keys apart; never the key. */
export function keyHint(key: string): string | null {
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
    exchange_rate: formatMoney(Number(p.exchange_rate)),
    is_active: Boolean(p.is_active),
    /** "env" (SMM_API_URL) or "simulated": URL, key and currency come from the configuration. */
    managed_by: p.code,
    balance: p.balance === null ? null : formatMoney(Number(p.balance)),
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
