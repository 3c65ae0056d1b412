import { formatMoney } from "../money/money.ts";
import { toIso } from "../lib/time.ts";
import type { GatewayAccount } from "./accounts.ts";
import type { GatewayPayment } from "./payments.ts";

/** A payment as the JSON API shows it: money as decimal strings, the checkout only while it can still be paid. */
export function gatewayPaymentView(p: GatewayPayment & { gateway_name?: string }) {
  const credited = p.status === "succeeded" || p.status === "refunded" || p.status === "charged_back";
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

/** A payment as staff see it (admins, the site's owner): the customer, the gateway's words, a reversal's outcome; never credentials. */
export function staffGatewayPaymentView(p: GatewayPayment & { gateway_name?: string; username?: string | null }) {
  return {
    ...gatewayPaymentView(p),
    checkout_url: undefined,
    user: { id: p.user_id, username: p.username ?? null },
    failure_reason: p.failure_reason,
    reversal: p.refunded_at
      ? {
          detail: p.reversal_detail,
          taken_back:
            p.reversal_transaction_id === null
              ? "0"
              : formatMoney(Math.max(0, Number(p.confirmed_amount ?? 0) - Number(p.fee ?? 0) - Number(p.reversal_shortfall ?? 0))),
          shortfall: p.reversal_shortfall === null ? null : formatMoney(Number(p.reversal_shortfall)),
        }
      : null,
    last_checked_at: toIso(p.last_checked_at),
  };
}

/** A notification as staff read it: the headers kept (never a cookie or an authorization), the body with secrets redacted. */
export function gatewayNotificationView(n: {
  headers: string | null;
  body: string | null;
  signature_ok: number | boolean;
  outcome: string;
  received_at: string;
  kind: string;
}) {
  let headers: Record<string, string> = {};
  try {
    headers = n.headers ? (JSON.parse(n.headers) as Record<string, string>) : {};
  } catch {
    headers = {};
  }
  return { kind: n.kind, headers, body: n.body, signature_ok: Boolean(n.signature_ok), outcome: n.outcome, received_at: toIso(n.received_at) };
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
