import type { User } from "../db/schema.ts";
import { toIso } from "../lib/time.ts";
import { formatRate } from "../money/exchange.ts";
import { formatMoney, mulDiv } from "../money/money.ts";
import { feeRuleView } from "../wallet/view.ts";
import type { MethodWithFee } from "../staff/finance/payment-methods.ts";
import type { UserStats } from "../staff/users/service.ts";
import { userStatsView } from "../staff/users/view.ts";
import { orderFiguresView } from "../staff/finance/view.ts";
import type { SiteOrderRow } from "./orders.ts";
import type { SiteFigures, SiteStats } from "./stats.ts";

/** A customer of the site as its reseller sees them (never the password hash). */
export function customerView(u: User & { orders_count?: number | string | null }) {
  return {
    id: u.id,
    uuid: u.uuid,
    username: u.username,
    email: u.email,
    full_name: u.full_name,
    balance: formatMoney(Number(u.balance)),
    language: u.language,
    orders_count: Number(u.orders_count ?? 0),
    is_banned: Boolean(u.is_banned),
    ban_reason: u.ban_reason,
    last_login_at: toIso(u.last_login_at),
    joined_at: toIso(u.created_at),
  };
}

export function customerDetailView(u: User, s: UserStats) {
  return { ...customerView({ ...u, orders_count: s.ordersCount }), stats: userStatsView(s) };
}

/**
 * A customer order with its economics, in the site's currency: what the customer paid (site price),
 * what the reseller paid the platform converted at the order's rate (reseller cost; `platform_charge`
 * is that charge as booked, in the platform currency), the profit recorded at placement, and the net
 * after refunds on both sides.
 */
export function siteOrderView(o: SiteOrderRow) {
  const sitePrice = Number(o.site_price ?? o.charge);
  const platformCharge = o.reseller_cost == null ? null : Number(o.reseller_cost);
  const resellerCost = o.site_cost != null ? Number(o.site_cost) : platformCharge;
  const refunded = Number(o.refunded);
  const platformRefunded = Number(o.reseller_refunded ?? 0);
  // The reseller's refunds are booked in the platform currency: the same share of its cost in the site's.
  const resellerRefunded =
    resellerCost === null || !platformCharge ? 0 : platformRefunded >= platformCharge ? resellerCost : mulDiv(resellerCost, platformRefunded, platformCharge);
  return {
    number: o.number,
    uuid: o.uuid,
    customer: { id: o.user_id, username: o.username ?? null },
    service: { id: o.service_id, name: o.service_name ?? null },
    link: o.link,
    quantity: o.quantity,
    runs: o.runs,
    status: o.status,
    start_count: o.start_count,
    remains: o.remains,
    currency: o.currency,
    site_price: formatMoney(sitePrice),
    refunded: formatMoney(refunded),
    reseller_cost: resellerCost === null ? null : formatMoney(resellerCost),
    reseller_refunded: formatMoney(resellerRefunded),
    platform_charge: platformCharge === null ? null : formatMoney(platformCharge),
    exchange_rate: o.currency_rate == null ? null : formatRate(Number(o.currency_rate)),
    profit: o.profit == null ? null : formatMoney(Number(o.profit)),
    net_profit: resellerCost === null ? null : formatMoney(sitePrice - refunded - (resellerCost - resellerRefunded)),
    platform_order_uuid: o.platform_order_uuid ?? null,
    created_at: toIso(o.created_at),
    completed_at: toIso(o.completed_at),
  };
}

/** A deposit method of the site with its fee rule (what the site's customers pay on a deposit). */
export function siteMethodView({ method: m, fee }: MethodWithFee) {
  return {
    id: m.id,
    code: m.code,
    name: m.name,
    type: m.type,
    instructions_fr: m.instructions_fr,
    instructions_en: m.instructions_en,
    account_name: m.account_name,
    account_number: m.account_number,
    currency: m.currency,
    min_amount: formatMoney(Number(m.min_amount)),
    max_amount: m.max_amount === null ? null : formatMoney(Number(m.max_amount)),
    is_active: Boolean(m.is_active),
    sort_order: m.sort_order,
    fee: feeRuleView(fee),
    created_at: toIso(m.created_at),
    updated_at: toIso(m.updated_at),
  };
}

export function siteStatsView(s: SiteStats) {
  return {
    currency: s.currency,
    customers: s.customers,
    orders: { all_time: orderFiguresView(s.orders.all_time), this_month: orderFiguresView(s.orders.this_month), active: s.orders.active },
    revenue: formatMoney(s.orders.all_time.revenue),
    profit: formatMoney(s.orders.all_time.profit),
    pending_deposits: { count: s.pendingDeposits.count, amount: formatMoney(s.pendingDeposits.amount) },
    open_tickets: s.openTickets,
  };
}

/** A period of the site's figures, money as decimal strings in the site's currency. */
export function siteFiguresView(f: SiteFigures) {
  const service = (s: SiteFigures["top_by_revenue"][number]) => ({
    id: s.id,
    name: s.name,
    orders: s.orders,
    revenue: formatMoney(s.revenue),
    profit: formatMoney(s.profit),
  });
  return {
    from: f.range.from,
    to: f.range.to,
    orders: f.totals.orders,
    revenue: formatMoney(f.totals.revenue),
    cost: formatMoney(f.totals.cost),
    profit: formatMoney(f.totals.profit),
    new_customers: f.totals.new_customers,
    days: f.days.map((d) => ({
      date: d.date,
      orders: d.orders,
      revenue: formatMoney(d.revenue),
      cost: formatMoney(d.cost),
      profit: formatMoney(d.profit),
      new_customers: d.new_customers,
    })),
    top_services_by_revenue: f.top_by_revenue.map(service),
    top_services_by_profit: f.top_by_profit.map(service),
  };
}
