import { formatMoney } from "../../money/money.ts";
import { toIso } from "../../lib/time.ts";
import { feeRuleView, transactionView } from "../../wallet/view.ts";
import type { StaffTransactionRow } from "./service.ts";
import type { MethodWithFee } from "./payment-methods.ts";
import type { FinanceStats, OrderFigures } from "./stats.ts";

export function staffTransactionView(t: StaffTransactionRow) {
  return {
    ...transactionView(t),
    user: { id: t.user_id, username: t.username, email: t.email },
    verified_by: t.verified_by,
  };
}

export function adminPaymentMethodView({ method: m, fee }: MethodWithFee) {
  return {
    id: m.id,
    code: m.code,
    name: m.name,
    type: m.type,
    currency: m.currency,
    instructions_fr: m.instructions_fr,
    instructions_en: m.instructions_en,
    account_name: m.account_name,
    account_number: m.account_number,
    min_amount: formatMoney(m.min_amount),
    max_amount: m.max_amount === null ? null : formatMoney(m.max_amount),
    is_active: Boolean(m.is_active),
    sort_order: m.sort_order,
    fee: feeRuleView(fee),
    updated_at: toIso(m.updated_at),
  };
}

/** Order economics over a period: count, revenue, cost and profit as money strings. */
export function orderFiguresView(f: Omit<OrderFigures, "white_label_sales"> & { white_label_sales?: number }) {
  return {
    count: f.count,
    revenue: formatMoney(f.revenue),
    cost: formatMoney(f.cost),
    profit: formatMoney(f.profit),
    ...(f.white_label_sales === undefined ? {} : { white_label_sales: formatMoney(f.white_label_sales) }),
  };
}

export function financeStatsView(s: FinanceStats) {
  const d = s.deposits;
  return {
    currency: s.currency,
    deposits: {
      pending: { count: d.pending.count, amount: formatMoney(d.pending.amount), fees: formatMoney(d.pending.fees) },
      completed: { count: d.completed.count, amount: formatMoney(d.completed.amount), fees: formatMoney(d.completed.fees) },
      today: { count: d.today.count, amount: formatMoney(d.today.amount) },
      this_month: { count: d.this_month.count, amount: formatMoney(d.this_month.amount) },
    },
    orders: { all_time: orderFiguresView(s.orders.all_time), today: orderFiguresView(s.orders.today), this_month: orderFiguresView(s.orders.this_month) },
  };
}
