import type { Ctx } from "../context.ts";
import { parseInput } from "../core/validate.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { parseMoney } from "../money/money.ts";
import { adminOrderDetail, listAdminOrders, reconcilable } from "../orders/admin.ts";
import { adminOrdersQuery, DISPATCH_FILTERS, ORDER_STATUSES } from "../orders/schema.ts";
import type { AdminOrderRow } from "../orders/view.ts";
import { listAdminProviders } from "../providers/service.ts";
import { displayDate, displayMoney, displayNumber, statusBadge } from "../storefront/format.ts";
import { paginationView } from "../storefront/view.ts";
import type { ConsoleFormat } from "./frame.ts";
import { orderStatusLabel } from "./labels.ts";

export type Fields = Record<string, string>;
export type Errors = Record<string, string[]>;

/** The list's filters as the URL names them → the admin query's names. */
const FILTERS: Record<string, string> = {
  status: "status",
  dispatch: "dispatch_state",
  user: "user_id",
  site: "site_id",
  service: "service_id",
  provider: "provider_id",
  from: "from",
  to: "to",
  search: "search",
  page: "page",
};
/** What staff may set by hand (as the admin API's schema says). */
const SETTABLE = ["pending", "processing", "in_progress", "completed", "partial", "canceled", "refunded"] as const;

const dispatchLabel = (f: ConsoleFormat, state: string) =>
  (DISPATCH_FILTERS as readonly string[]).includes(state) || state === "delegated" ? f.tx(`admin.orders.dispatch.${state}` as MessageKey) : state;

/** The URL's filters that the admin query accepts; a wrong one is dropped rather than refusing the page. */
function listQuery(raw: Record<string, string>) {
  const wanted = Object.fromEntries(Object.entries(raw).flatMap(([k, v]) => (FILTERS[k] && v.trim() !== "" ? [[FILTERS[k], v.trim()]] : [])));
  // The customer field takes a number, a username or an e-mail.
  if (wanted.user_id && !/^\d+$/.test(wanted.user_id)) {
    wanted.user = wanted.user_id;
    delete wanted.user_id;
  }
  const parsed = adminOrdersQuery.safeParse({ ...wanted, per_page: "20" });
  if (parsed.success) return parsed.data;
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  return parseInput(adminOrdersQuery, { ...Object.fromEntries(Object.entries(wanted).filter(([k]) => !bad.has(k))), per_page: "20" });
}

const money = (f: ConsoleFormat, micro: number | bigint | string, currency: string) => displayMoney(Number(micro), currency, f.lang);

function orderCard(f: ConsoleFormat, o: AdminOrderRow) {
  return {
    id: o.id,
    href: `/admin/orders/${o.id}`,
    number: f.tx("admin.orders.number", { id: o.id }),
    service: o.service_name ?? `#${o.service_id}`,
    link: o.link,
    customer: o.username ?? `#${o.user_id}`,
    customerHref: `/admin/orders?user=${o.user_id}`,
    provider: o.provider_name ?? `#${o.provider_id}`,
    charge: money(f, o.charge, o.currency),
    refunded: Number(o.refunded) > 0 ? money(f, o.refunded, o.currency) : null,
    quantity: displayNumber(o.quantity, f.lang),
    status: statusBadge("order", o.status, f.t),
    dispatch: dispatchLabel(f, o.held_since && o.dispatch_state === "queued" ? "held" : o.dispatch_state),
    unknown: o.dispatch_state === "unknown" && o.status === "pending",
    pick: reconcilable(o, "refund"),
    created: displayDate(o.created_at, f.lang),
  };
}

/** The list page: filters kept in the URL, chips for the usual queues, one card per order, the bulk form on the reconciliation queue. */
export async function ordersListPage(ctx: Ctx, f: ConsoleFormat, url: URL, manage: boolean) {
  const q = listQuery(Object.fromEntries(url.searchParams));
  const [page, providers] = await Promise.all([listAdminOrders(ctx, q), listAdminProviders(ctx)]);
  const keep = new URLSearchParams([...url.searchParams].filter(([k, v]) => k in FILTERS && k !== "page" && v.trim() !== ""));
  const chip = (label: string, params: Record<string, string>) => {
    const href = new URLSearchParams(params);
    const active = [...href].every(([k, v]) => keep.get(k) === v) && [...keep].every(([k]) => href.has(k));
    return { label, href: `/admin/orders${href.size ? `?${href}` : ""}`, active };
  };
  const value = (k: string) => url.searchParams.get(k)?.trim() ?? "";
  const queue = q.dispatch_state === "unknown" || q.dispatch_state === "held";
  return {
    chips: [
      chip(f.tx("admin.orders.all"), {}),
      chip(f.tx("admin.orders.to_reconcile"), { dispatch: "unknown" }),
      chip(f.tx("admin.orders.held"), { dispatch: "held" }),
      chip(f.tx("admin.orders.failed"), { status: "failed" }),
    ],
    filters: {
      search: q.search ?? "",
      status: ORDER_STATUSES.map((s) => ({ value: s, label: orderStatusLabel(f, s), selected: q.status === s })),
      dispatch: DISPATCH_FILTERS.map((s) => ({ value: s, label: dispatchLabel(f, s), selected: q.dispatch_state === s })),
      providers: providers.map((p) => ({ value: String(p.id), label: p.name, selected: q.provider_id === p.id })),
      user: q.user_id ? String(q.user_id) : (q.user ?? value("user")),
      site: q.site_id ? String(q.site_id) : value("site"),
      service: q.service_id ? String(q.service_id) : value("service"),
      from: q.from ?? "",
      to: q.to ?? "",
      any: keep.size > 0,
      more: ["provider", "user", "site", "service", "from", "to"].some((k) => keep.has(k)),
    },
    total: displayNumber(page.total, f.lang),
    orders: page.rows.map((o) => orderCard(f, o)),
    bulk: manage && queue && page.rows.some((o) => reconcilable(o, "refund")),
    queue: q.dispatch_state ?? "",
    pagination: paginationView(page.page, Math.max(1, Math.ceil(page.total / page.per_page)), url.pathname, keep),
  };
}

/** One line of the order's history: when, what, and the detail. */
interface HistoryLine {
  at: string;
  sort: string;
  what: string;
  detail: string | null;
}

const ACTIONS: Record<string, MessageKey> = {
  "order.status": "admin.orders.act.status",
  "order.refund": "admin.orders.act.refund",
  "order.reconcile.resend": "admin.orders.act.resend",
  "order.reconcile.mark_sent": "admin.orders.act.mark_sent",
  "order.reconcile.refund": "admin.orders.act.reconcile_refund",
};
const LEDGER: Record<string, MessageKey> = {
  refund: "admin.orders.ledger.refund",
  referral_commission: "admin.orders.ledger.referral_commission",
  referral_reversal: "admin.orders.ledger.referral_reversal",
};
const named = (f: ConsoleFormat, words: Record<string, MessageKey>, raw: string) => (Object.hasOwn(words, raw) ? f.tx(words[raw]!) : raw);

function auditLine(f: ConsoleFormat, a: { action: string; data: string | null; actor: string | null; created_at: string }, currency: string): HistoryLine {
  const data = a.data ? (JSON.parse(a.data) as Record<string, unknown>) : {};
  const parts: string[] = [];
  if (typeof data.from === "string" && typeof data.to === "string") parts.push(`${orderStatusLabel(f, data.from)} → ${orderStatusLabel(f, data.to)}`);
  for (const k of ["amount", "refunded"] as const) {
    const v = data[k];
    const micro = typeof v === "string" ? parseMoney(v) : null;
    if (micro) parts.push(displayMoney(micro, currency, f.lang));
  }
  for (const k of ["provider_order_id", "reason", "note"] as const) if (typeof data[k] === "string" && data[k]) parts.push(String(data[k]));
  return {
    at: displayDate(a.created_at, f.lang),
    sort: a.created_at,
    what: f.tx("admin.orders.ev.audit", { action: named(f, ACTIONS, a.action), who: a.actor ?? "—" }),
    detail: parts.join(" · ") || null,
  };
}

/** The detail page's data: the order, its history (placement, provider calls, ledger rows, staff actions), its calls and refunds. */
export async function orderDetailPage(ctx: Ctx, f: ConsoleFormat, id: number) {
  const d = await adminOrderDetail(ctx, id);
  const o = d.order;
  const cur = o.currency;
  const left = Number(o.charge) - Number(o.refunded);
  const history: HistoryLine[] = [
    { at: displayDate(o.created_at, f.lang), sort: o.created_at, what: f.tx("admin.orders.ev.placed", { amount: money(f, o.charge, cur) }), detail: null },
    ...d.logs.map((l) => ({
      at: displayDate(l.created_at, f.lang),
      sort: l.created_at,
      what: f.tx("admin.orders.ev.call", { action: l.action }),
      detail: [l.http_status ? `HTTP ${l.http_status}` : null, l.error].filter(Boolean).join(" · ") || null,
    })),
    ...d.transactions
      .filter((t) => t.type !== "order")
      .map((t) => ({
        at: displayDate(t.created_at, f.lang),
        sort: t.created_at,
        what: f.tx("admin.orders.ev.ledger", { type: named(f, LEDGER, t.type), amount: money(f, t.amount, cur) }),
        detail: t.description,
      })),
    ...d.audit.map((a) => auditLine(f, a, cur)),
    ...(o.completed_at
      ? [{ at: displayDate(o.completed_at, f.lang), sort: o.completed_at, what: f.tx("admin.orders.ev.completed"), detail: orderStatusLabel(f, o.status) }]
      : []),
  ].sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0));
  return {
    id: o.id,
    uuid: o.uuid,
    number: f.tx("admin.orders.number", { id: o.id }),
    status: statusBadge("order", o.status, f.t),
    dispatch: dispatchLabel(f, o.held_since && o.dispatch_state === "queued" ? "held" : o.dispatch_state),
    facts: [
      {
        label: f.tx("admin.orders.customer"),
        value: o.username ? `${o.username} (${o.email ?? "—"})` : `#${o.user_id}`,
        href: `/admin/orders?user=${o.user_id}`,
        wide: true,
      },
      { label: f.tx("admin.orders.service_label"), value: o.service_name ?? `#${o.service_id}`, href: `/admin/orders?service=${o.service_id}` },
      { label: f.tx("admin.orders.link"), value: o.link, href: null, wide: true },
      { label: f.tx("admin.orders.quantity"), value: displayNumber(o.quantity, f.lang) + (o.runs ? ` × ${o.runs}` : ""), href: null },
      { label: f.tx("admin.orders.remains"), value: o.remains === null ? "—" : displayNumber(o.remains, f.lang), href: null },
      { label: f.tx("admin.orders.charge"), value: money(f, o.charge, cur), href: null },
      { label: f.tx("admin.orders.refunded"), value: money(f, o.refunded, cur), href: null },
      { label: f.tx("admin.orders.cost"), value: money(f, o.provider_cost, cur), href: null },
      { label: f.tx("admin.orders.provider"), value: o.provider_name ?? `#${o.provider_id}`, href: `/admin/orders?provider=${o.provider_id}` },
      { label: f.tx("admin.orders.provider_order"), value: o.provider_order_id ?? "—", href: null },
      { label: f.tx("admin.orders.source"), value: o.source, href: null },
      { label: f.tx("admin.orders.created"), value: displayDate(o.created_at, f.lang), href: null },
      ...(o.last_error ? [{ label: f.tx("admin.orders.last_error"), value: o.last_error, href: null, wide: true }] : []),
    ],
    history,
    calls: d.logs.map((l) => ({
      action: l.action,
      at: displayDate(l.created_at, f.lang),
      http: l.http_status,
      request: l.request,
      response: l.response ?? l.error ?? "—",
    })),
    refunds: d.transactions
      .filter((t) => t.type === "refund")
      .map((t) => ({ amount: money(f, t.amount, cur), at: displayDate(t.created_at, f.lang), description: t.description ?? "" })),
    left: left > 0 ? money(f, left, cur) : null,
    closed: ["canceled", "refunded", "failed"].includes(o.status),
    reconcile: reconcilable(o, "refund"),
    markable: reconcilable(o, "mark_sent"),
    statuses: SETTABLE.filter((s) => s !== o.status).map((s) => ({ value: s, label: orderStatusLabel(f, s) })),
  };
}
