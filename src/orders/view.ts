import { DAY, fromDbTime, toIso } from "../lib/time.ts";
import { formatMoney } from "../money/money.ts";
import { orderProviderCost } from "../statistics/figures.ts";
import { parseParams } from "./fields.ts";
import type { OrderRow } from "./service.ts";
import { unitsOf } from "./transitions.ts";

/** Whether the owner may ask for a refill now (the provider has the last word). */
export function refillOpen(o: OrderRow, now: Date): boolean {
  if (!o.service_refill || !o.provider_order_id || (o.status !== "completed" && o.status !== "partial") || !o.completed_at) return false;
  return now.getTime() <= fromDbTime(o.completed_at).getTime() + (o.refill_days ?? 0) * DAY;
}

/** Whether the owner may ask to cancel now: never sent yet, or still pending at the provider. */
export function cancelOpen(o: OrderRow): boolean {
  if (!o.service_cancel || (o.status !== "pending" && o.status !== "processing")) return false;
  return o.dispatch_state === "queued" || o.dispatch_state === "sent";
}

/** An order as its owner sees it: no provider ids, costs or dispatch internals. */
export function userOrderView(o: OrderRow, now: Date) {
  return {
    number: o.number,
    uuid: o.uuid,
    service: { id: o.service_id, name: o.service_name, type: o.service_type },
    link: o.link,
    quantity: o.quantity,
    runs: o.runs,
    interval: o.interval,
    total_quantity: unitsOf(o),
    fields: parseParams(o.params),
    rate: formatMoney(Number(o.rate)),
    charge: formatMoney(Number(o.charge)),
    refunded: formatMoney(Number(o.refunded)),
    currency: o.currency,
    status: o.status,
    start_count: o.start_count,
    remains: o.remains,
    can_refill: refillOpen(o, now),
    can_cancel: cancelOpen(o),
    source: o.source,
    created_at: toIso(o.created_at),
    updated_at: toIso(o.updated_at),
    completed_at: toIso(o.completed_at),
  };
}

export type AdminOrderRow = OrderRow & { username?: string | null; email?: string | null; provider_name?: string | null };

/** An order as an admin sees it: who, which provider, dispatch state, and the money (charge, cost, profit). */
export function adminOrderView(o: AdminOrderRow, now: Date) {
  const net = Number(o.charge) - Number(o.refunded);
  // The one rule of what the provider keeps (statistics/figures.ts), as the dashboard and finance sum it.
  const cost = orderProviderCost(o);
  return {
    id: o.id,
    ...userOrderView(o, now),
    user: { id: o.user_id, username: o.username ?? null, email: o.email ?? null },
    provider: { id: o.provider_id, name: o.provider_name ?? null },
    provider_order_id: o.provider_order_id,
    provider_cost: formatMoney(Number(o.provider_cost)),
    effective_provider_cost: formatMoney(cost),
    profit: formatMoney(net - cost),
    dispatch_state: o.dispatch_state,
    dispatch_attempts: o.dispatch_attempts,
    next_attempt_at: toIso(o.next_attempt_at),
    last_error: o.last_error,
    api_key_id: o.api_key_id,
    parent_order_id: o.parent_order_id,
    last_status_sync_at: toIso(o.last_status_sync_at),
  };
}
