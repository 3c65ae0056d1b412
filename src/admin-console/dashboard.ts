import type { Ctx } from "../context.ts";
import { dailyFigures, dashboardFigures, ordersByStatus } from "../admin/service.ts";
import { displayMoney, displayNumber } from "../storefront/format.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { barChart, rankChart } from "./charts.ts";
import { orderStatusLabel } from "./labels.ts";
import type { ConsoleFormat } from "./frame.ts";

const PERIODS = [1, 7, 30, 90] as const;
type Period = (typeof PERIODS)[number];

const PERIOD_LABEL: Record<Period, MessageKey> = {
  1: "admin.dash.period_today",
  7: "admin.dash.period_7",
  30: "admin.dash.period_30",
  90: "admin.dash.period_90",
};

export function periodOf(raw: string | undefined): Period {
  const n = Number(raw);
  return (PERIODS as readonly number[]).includes(n) ? (n as Period) : 30;
}

/** The dashboard page: the period's figures, what waits for staff, the charts (SVG markup, escaped). */
export async function dashboardPage(ctx: Ctx, f: ConsoleFormat, period: Period) {
  const money = (v: number) => displayMoney(v, f.currency, f.lang);
  const [head, days, statuses] = await Promise.all([dashboardFigures(ctx), dailyFigures(ctx, period), ordersByStatus(ctx)]);
  const sum = (k: "revenue" | "cost" | "profit" | "orders") => days.reduce((a, d) => a + d[k], 0);
  const dayLabel = new Intl.DateTimeFormat(f.lang === "fr" ? "fr-FR" : "en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
  return {
    periods: PERIODS.map((p) => ({ href: `/admin?days=${p}`, label: f.tx(PERIOD_LABEL[p]), active: p === period })),
    figures: [
      { label: f.tx("admin.dash.revenue"), value: money(sum("revenue")) },
      { label: f.tx("admin.dash.cost"), value: money(sum("cost")) },
      { label: f.tx("admin.dash.profit"), value: money(sum("profit")) },
      { label: f.tx("admin.dash.orders"), value: displayNumber(sum("orders"), f.lang) },
    ],
    waiting: [
      {
        label: f.tx("admin.dash.pending_deposits", { amount: money(head.deposits.pending_total) }),
        count: head.deposits.pending_count,
        href: "/admin/deposits",
      },
      { label: f.tx("admin.dash.open_tickets"), count: head.support.open_tickets, href: "/admin/support" },
      { label: f.tx("admin.dash.held_orders"), count: head.orders.awaiting_reconciliation, href: "/admin/orders?dispatch=unknown" },
    ],
    users: f.tx("admin.dash.users_detail", {
      total: displayNumber(head.users.total, f.lang),
      banned: displayNumber(head.users.banned, f.lang),
      today: displayNumber(head.users.new_today, f.lang),
    }),
    sites: Object.entries(head.white_label).map(([status, count]) => ({
      label: f.tx(`admin.dash.site_status.${status}` as MessageKey),
      count,
    })),
    chart: barChart({
      title: f.tx("admin.dash.chart_title"),
      labels: days.map((d) => dayLabel.format(new Date(`${d.date}T00:00:00Z`))),
      series: [
        { name: f.tx("admin.dash.revenue"), tone: "chart-a", values: days.map((d) => d.revenue) },
        { name: f.tx("admin.dash.profit"), tone: "chart-b", values: days.map((d) => d.profit) },
      ],
      format: money,
    }),
    byStatus: rankChart({
      title: f.tx("admin.dash.by_status"),
      empty: f.tx("admin.dash.no_orders"),
      rows: statuses.map((s) => ({ label: orderStatusLabel(f, s.status), value: s.count, shown: displayNumber(s.count, f.lang) })),
    }),
  };
}
