import type { Ctx } from "../context.ts";
import { displayDate, displayMoney, displayNumber, displayPercent, statusBadge } from "./format.ts";
import type { Lang } from "../i18n/lang.ts";
import {
  FORM_ACTIONS,
  type AccountData,
  type AccountSummarySource,
  type ApiAccessSource,
  type DepositSource,
  type FundsSource,
  type OrderDetailSource,
  type OrderSource,
  type PaymentMethodSource,
  type TicketSource,
} from "./account-sources.ts";
import type {
  AccountPageData,
  ApiAccessData,
  DepositRowView,
  OrderDetailView,
  OrderRowView,
  PaymentMethodView,
  TicketRowView,
  Translate,
} from "./view-models.ts";
import { inTenant } from "../tenancy/scoped.ts";
import { methodPayable } from "../wallet/view.ts";

/** Tenant payment methods for /funds until the wallet feature passes its own loader. */
async function tenantPaymentMethods(ctx: Ctx): Promise<PaymentMethodSource[]> {
  const rows = await inTenant(ctx)
    .selectFrom("payment_methods")
    .leftJoin("fee_structures", (j) => j.onRef("fee_structures.payment_method_id", "=", "payment_methods.id").on("fee_structures.is_active", "=", 1))
    .select([
      "payment_methods.id",
      "payment_methods.code",
      "payment_methods.name",
      "payment_methods.type",
      "payment_methods.instructions_fr",
      "payment_methods.instructions_en",
      "payment_methods.account_name",
      "payment_methods.account_number",
      "payment_methods.min_amount",
      "payment_methods.max_amount",
      "fee_structures.percent_bp",
      "fee_structures.fixed_amount",
    ])
    .where("payment_methods.is_active", "=", 1)
    .orderBy("payment_methods.sort_order")
    .orderBy("payment_methods.id")
    .execute();
  const seen = new Set<number>();
  return (
    rows
      // Only a method that says where to pay is offered, whatever its flag says.
      .filter((r) => !seen.has(r.id) && seen.add(r.id) && methodPayable(r))
      .map((r) => ({
        code: r.code,
        name: r.name,
        type: r.type,
        instructions: { fr: r.instructions_fr, en: r.instructions_en },
        accountName: r.account_name,
        accountNumber: r.account_number,
        minAmount: Number(r.min_amount),
        maxAmount: r.max_amount == null ? null : Number(r.max_amount),
        feeBp: Number(r.percent_bp ?? 0),
        feeFixed: Number(r.fixed_amount ?? 0),
      }))
  );
}

/** Empty pages until the features that own orders, tickets and keys pass their loaders. */
export const EMPTY_ACCOUNT_DATA: AccountData = {
  summary: async () => ({ ordersCount: 0, activeOrders: 0, spent: 0, openTickets: 0, recentOrders: [] }),
  orders: async (_ctx, q) => ({ items: [], page: q.page, perPage: 20, total: 0 }),
  order: async () => null,
  funds: async (ctx): Promise<FundsSource> => ({ methods: await tenantPaymentMethods(ctx), gateways: [], deposits: [] }),
  tickets: async (_ctx, q) => ({ items: [], page: q.page, perPage: 20, total: 0 }),
  ticket: async () => null,
  apiAccess: async () => ({ key: null, newKey: null }),
  unread: async () => 0,
};

export interface Fmt {
  lang: Lang;
  currency: string;
  t: Translate;
}

const num = (n: number | null, f: Fmt) => (n == null ? "—" : displayNumber(n, f.lang));

/** How a customer names an order: its number in this tenant (`#1234`). */
export function orderLabel(o: { number: number | null; uuid: string }): string {
  return o.number === null ? `#${o.uuid.slice(0, 8)}` : `#${o.number}`;
}

export function orderRow(o: OrderSource, f: Fmt): OrderRowView {
  return {
    uuid: o.uuid,
    label: orderLabel(o),
    href: `/orders/${encodeURIComponent(o.uuid)}`,
    serviceName: o.serviceName[f.lang],
    link: o.link,
    quantity: num(o.quantity, f),
    charge: displayMoney(o.charge, f.currency, f.lang),
    status: statusBadge("order", o.status, f.t),
    startCount: num(o.startCount, f),
    remains: num(o.remains, f),
    createdAt: displayDate(o.createdAt, f.lang),
  };
}

export function orderDetail(o: OrderDetailSource, f: Fmt): OrderDetailView {
  return {
    ...orderRow(o, f),
    refunded: o.refunded > 0 ? displayMoney(o.refunded, f.currency, f.lang) : null,
    runs: o.runs ? num(o.runs, f) : null,
    interval: o.interval ? f.t("order.interval_minutes", { count: num(o.interval, f) }) : null,
    completedAt: o.completedAt ? displayDate(o.completedAt, f.lang) : null,
    canRefill: o.canRefill && !o.refillPending,
    canCancel: o.canCancel,
    refillPending: o.refillPending,
    refillAction: FORM_ACTIONS.orderRefill(o.uuid),
    cancelAction: FORM_ACTIONS.orderCancel(o.uuid),
    ticketHref: `/tickets/new?order=${encodeURIComponent(o.number === null ? o.uuid : String(o.number))}`,
  };
}

export function accountPageData(s: AccountSummarySource, balance: string, f: Fmt): AccountPageData {
  return {
    balance,
    ordersCount: num(s.ordersCount, f),
    activeOrders: num(s.activeOrders, f),
    spent: displayMoney(s.spent, f.currency, f.lang),
    openTickets: num(s.openTickets, f),
    recentOrders: s.recentOrders.map((o) => orderRow(o, f)),
  };
}

export function paymentMethodView(m: PaymentMethodSource, selected: boolean, f: Fmt): PaymentMethodView {
  const limits = m.maxAmount
    ? f.t("funds.limits_range", { min: displayMoney(m.minAmount, f.currency, f.lang), max: displayMoney(m.maxAmount, f.currency, f.lang) })
    : f.t("funds.limits_min", { min: displayMoney(m.minAmount, f.currency, f.lang) });
  const parts: string[] = [];
  if (m.feeBp) parts.push(displayPercent(m.feeBp, f.lang));
  if (m.feeFixed) parts.push(displayMoney(m.feeFixed, f.currency, f.lang));
  const bounds: string[] = [];
  if (m.feeMin) bounds.push(f.t("funds.fee_min", { min: displayMoney(m.feeMin, f.currency, f.lang) }));
  if (m.feeMax != null) bounds.push(f.t("funds.fee_max", { max: displayMoney(m.feeMax, f.currency, f.lang) }));
  const rule = parts.length || bounds.length ? [parts.join(" + "), bounds.length ? `(${bounds.join(", ")})` : ""].filter(Boolean).join(" ") : "";
  return {
    code: m.code,
    name: m.name,
    type: m.type,
    instructions: (f.lang === "en" ? m.instructions.en : m.instructions.fr) ?? m.instructions.fr ?? m.instructions.en ?? "",
    accountName: m.accountName,
    accountNumber: m.accountNumber,
    limits,
    fee: rule ? f.t("funds.fee", { fee: rule }) : f.t("funds.no_fee"),
    selected,
  };
}

export function depositRow(d: DepositSource, f: Fmt): DepositRowView {
  return {
    uuid: d.uuid,
    method: d.method,
    amount: displayMoney(d.amount, f.currency, f.lang),
    fee: displayMoney(d.fee, f.currency, f.lang),
    credited: d.status === "completed" ? displayMoney(d.credited, f.currency, f.lang) : null,
    note: d.note,
    reference: d.reference ?? "—",
    status: statusBadge("deposit", d.status, f.t),
    createdAt: displayDate(d.createdAt, f.lang),
  };
}

export function ticketRow(tk: TicketSource, f: Fmt): TicketRowView {
  return {
    uuid: tk.uuid,
    href: `/tickets/${encodeURIComponent(tk.uuid)}`,
    subject: tk.subject,
    category: f.t(`ticket.category.${/^[a-z_]{1,30}$/.test(tk.category) && TICKET_CATEGORIES.includes(tk.category) ? tk.category : "general"}`),
    status: statusBadge("ticket", tk.status, f.t),
    lastActivity: displayDate(tk.lastReplyAt ?? tk.createdAt, f.lang),
  };
}

export const TICKET_CATEGORIES = ["general", "order", "payment", "api", "other"];

const V2_ACTIONS: { name: string; params: string }[] = [
  { name: "services", params: "key, action" },
  { name: "add", params: "key, action, service, link, quantity [, runs, interval, comments]" },
  { name: "status", params: "key, action, order | orders" },
  { name: "balance", params: "key, action" },
  { name: "refill", params: "key, action, order" },
  { name: "refill_status", params: "key, action, refill" },
  { name: "cancel", params: "key, action, orders" },
];

export function apiAccessData(apiUrl: string, src: ApiAccessSource, f: Fmt): ApiAccessData {
  return {
    apiUrl,
    key: src.key
      ? { name: src.key.name, prefix: src.key.prefix, createdAt: displayDate(src.key.createdAt, f.lang), lastUsedAt: displayDate(src.key.lastUsedAt, f.lang) }
      : null,
    newKey: src.newKey,
    unavailable: src.available === false,
    action: FORM_ACTIONS.apiKey,
    revokeAction: FORM_ACTIONS.apiKeyRevoke,
    actions: V2_ACTIONS.map((a) => ({ name: a.name, params: a.params, description: f.t(`api.action.${a.name}`) })),
    example: `curl -X POST ${apiUrl} \\\n  -d key=YOUR_API_KEY \\\n  -d action=add \\\n  -d service=1 \\\n  -d link=https://instagram.com/yourpage \\\n  -d quantity=1000`,
  };
}
