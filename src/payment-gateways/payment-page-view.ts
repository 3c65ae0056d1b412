import type { Lang } from "../i18n/lang.ts";
import { toIso } from "../lib/time.ts";
import { displayDate, displayMoney } from "../storefront/format.ts";
import type { StatusBadgeView, Translate } from "../storefront/view-models.ts";
import type { StaffGatewayPayment } from "./payment-list.ts";
import { GATEWAY_PAYMENT_STATUSES } from "./schema.ts";
import { gatewayNotificationView } from "./view.ts";

interface Fmt {
  lang: Lang;
  t: Translate;
}

const TONES: Record<string, StatusBadgeView["tone"]> = {
  pending: "pending",
  succeeded: "success",
  failed: "danger",
  expired: "muted",
  refunded: "warning",
  charged_back: "danger",
};

/** A payment's status as a badge; a refund or chargeback after crediting stands out. */
function gatewayStatusBadge(status: string, t: Translate): StatusBadgeView {
  return { tone: TONES[status] ?? "muted", label: t(`platform.gwpay.status.${status}`) };
}

export const statusOptions = (t: Translate, chosen: string | undefined) =>
  GATEWAY_PAYMENT_STATUSES.map((s) => ({ value: s, label: t(`platform.gwpay.status.${s}`), selected: chosen === s }));

/** A row of the staff lists (the console's and a reseller's): who, how much, which gateway, its status. */
export function gatewayPaymentRow(p: StaffGatewayPayment, href: string, f: Fmt) {
  return {
    href,
    ref: p.uuid.slice(0, 8),
    user: p.username ?? `#${p.user_id}`,
    gateway: p.gateway_name,
    amount: displayMoney(Number(p.amount), p.currency, f.lang),
    status: gatewayStatusBadge(p.status, f.t),
    reversed: p.status === "refunded" || p.status === "charged_back",
    shortfall: p.reversal_shortfall ? displayMoney(Number(p.reversal_shortfall), p.currency, f.lang) : null,
    created: displayDate(toIso(p.created_at), f.lang),
  };
}

type Detail = StaffGatewayPayment & { notifications: Parameters<typeof gatewayNotificationView>[0][] };

/** A payment's page: its timeline (asked, confirmed, credited, reversed) and every notification as received, escaped by the template. */
export function gatewayPaymentPage(p: Detail, f: Fmt, links: { deposit: string | null; user: string | null }) {
  const money = (m: number | null | undefined) => (m === null || m === undefined ? "—" : displayMoney(Number(m), p.currency, f.lang));
  const date = (d: string | null) => displayDate(toIso(d), f.lang);
  const credited = p.confirmed_amount === null ? null : Number(p.confirmed_amount) - Number(p.fee ?? 0);
  const reversed = p.status === "refunded" || p.status === "charged_back";
  const timeline = [
    { label: f.t("platform.gwpay.started"), when: date(p.created_at), text: f.t("platform.gwpay.asked", { amount: money(Number(p.amount)) }) },
    ...(p.settled_at
      ? [
          {
            label: f.t("platform.gwpay.confirmed"),
            when: date(p.settled_at),
            text: f.t("platform.gwpay.confirmed_text", { amount: money(p.confirmed_amount), fee: money(p.fee), credited: money(credited) }),
          },
        ]
      : []),
    ...(p.status === "failed" || p.status === "expired"
      ? [{ label: f.t(`platform.gwpay.status.${p.status}`), when: date(p.updated_at), text: p.failure_reason ?? "—" }]
      : []),
    ...(reversed
      ? [
          {
            label: f.t(`platform.gwpay.status.${p.status}`),
            when: date(p.refunded_at),
            text: f.t("platform.gwpay.reversed_text", {
              detail: p.reversal_detail ?? "—",
              taken: money(credited === null ? 0 : credited - Number(p.reversal_shortfall ?? 0)),
              shortfall: money(p.reversal_shortfall ?? 0),
            }),
          },
        ]
      : []),
  ];
  return {
    uuid: p.uuid,
    gateway: p.gateway_name,
    user: p.username ?? `#${p.user_id}`,
    userHref: links.user,
    status: gatewayStatusBadge(p.status, f.t),
    reversed,
    shortfall: reversed && Number(p.reversal_shortfall ?? 0) > 0 ? money(p.reversal_shortfall) : null,
    facts: [
      { label: f.t("platform.gwpay.amount_asked"), value: money(Number(p.amount)) },
      {
        label: f.t("platform.gwpay.amount_confirmed"),
        value: p.confirmed_amount === null ? "—" : `${money(p.confirmed_amount)} (${p.confirmed_currency ?? "?"})`,
      },
      { label: f.t("platform.gwpay.fee"), value: money(p.fee) },
      { label: f.t("platform.gwpay.credited"), value: money(credited) },
      { label: f.t("platform.gwpay.provider_ref"), value: p.provider_ref ?? "—" },
      { label: f.t("platform.gwpay.last_checked"), value: date(p.last_checked_at) },
    ],
    depositHref: p.transaction_id !== null ? links.deposit : null,
    timeline,
    notifications: p.notifications.map((n) => {
      const v = gatewayNotificationView(n);
      return {
        when: displayDate(v.received_at, f.lang),
        signature: v.signature_ok ? { tone: "success", label: f.t("platform.gwpay.sig_ok") } : { tone: "danger", label: f.t("platform.gwpay.sig_forged") },
        outcome: v.outcome,
        headers: Object.entries(v.headers).map(([k, val]) => `${k}: ${val}`),
        body: v.body ?? "",
      };
    }),
  };
}
