import { formatMoney } from "../money/money.ts";
import { toIso } from "../lib/time.ts";
import type { GatewayAccount } from "./accounts.ts";
import type { GatewayPayment } from "./payments.ts";

/** A payment as the JSON API shows it: money as decimal strings, the checkout only while it can still be paid. */
export function gatewayPaymentView(p: GatewayPayment & { gateway_name?: string }) {
  const credited = p.status === "succeeded" || p.status === "refunded";
  return {
    uuid: p.uuid,
    gateway: p.gateway_name ?? null,
    status: p.status,
    amount: formatMoney(Number(p.amount)),
    currency: p.currency,
    confirmed_amount: p.confirmed_amount === null ? null : formatMoney(Number(p.confirmed_amount)),
    confirmed_currency: p.confirmed_currency,
    fee: p.fee === null ? null : formatMoney(Number(p.fee)),
    credited: credited && p.confirmed_amount !== null ? formatMoney(Number(p.confirmed_amount) - Number(p.fee ?? 0)) : null,
    checkout_url: p.status === "pending" ? p.checkout_url : null,
    expires_at: toIso(p.expires_at),
    created_at: toIso(p.created_at),
    settled_at: toIso(p.settled_at),
    refunded_at: toIso(p.refunded_at),
  };
}

/** A gateway a customer may pay with: never its credentials or API base. */
export function gatewayMethodView(a: GatewayAccount) {
  return {
    id: a.id,
    name: a.name,
    kind: a.kind,
    currency: a.currency,
    fee_percent: (Number(a.fee_percent_bp) / 100).toFixed(2),
    fee_fixed: formatMoney(Number(a.fee_fixed)),
    min_amount: formatMoney(Number(a.min_amount)),
    max_amount: a.max_amount === null ? null : formatMoney(Number(a.max_amount)),
  };
}
