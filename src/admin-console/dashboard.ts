import type { Ctx } from "../context.ts";
import { consoleDashboard } from "../admin/dashboard.ts";
import { providerBalances } from "../providers/balances.ts";
import { hasActiveProvider } from "../providers/bootstrap.ts";
import { checkDayRange, lastDays, utcDate, type RangeProblem } from "../statistics/figures.ts";
import { displayDate, displayMoney, displayNumber } from "../storefront/format.ts";
import { toIso } from "../lib/time.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { barChart, rankChart } from "../statistics/charts.ts";
import { orderStatusLabel } from "./labels.ts";
import type { ConsoleFormat } from "./frame.ts";

const PERIODS = [1, 7, 30] as const;
type Period = (typeof PERIODS)[number];

const PERIOD_LABEL: Record<Period, MessageKey> = {
  1: "admin.dash.period_today",
  7: "admin.dash.period_7",
  30: "admin.dash.period_30",
};

/** What the page was asked: one of the periods (`?days=`), or a chosen range (`?from=&to=`), checked. */
type DashboardQuery =
  | { kind: "period"; days: Period }
  | { kind: "range"; from: string; to: string }
  | { kind: "refused"; from: string; to: string; problems: Partial<Record<"from" | "to", RangeProblem>> };

export function dashboardQuery(q: { days?: string; from?: string; to?: string }, now: Date): DashboardQuery {
  if (q.from !== undefined || q.to !== undefined) {
    const checked = checkDayRange(q, now);
    if ("range" in checked) return { kind: "range", ...checked.range };
    return { kind: "refused", from: q.from ?? "", to: q.to ?? "", problems: checked.problems };
  }
  const n = Number(q.days);
  return { kind: "period", days: (PERIODS as readonly number[]).includes(n) ? (n as Period) : 30 };
}

/** The dashboard page: the period's figures, what waits for staff, the charts (SVG markup, escaped), provider balances. */
export async function dashboardPage(ctx: Ctx, f: ConsoleFormat, query: DashboardQuery) {
  const money = (v: number) => displayMoney(v, f.currency, f.lang);
  const now = ctx.clock.now();
  // A refused range keeps its input and shows the last 30 days meanwhile.
  const range = query.kind === "range" ? { from: query.from, to: query.to } : lastDays(now, query.kind === "period" ? query.days : 30);
  const period = { from: range.from ?? utcDate(now), to: range.to };
  const [{ head, days, statuses, services }, providers, anyProvider] = await Promise.all([
    consoleDashboard(ctx, period),
    providerBalances(ctx),
    hasActiveProvider(ctx),
  ]);
  const shown = head.periods.range!.figures;
  const dayLabel = new Intl.DateTimeFormat(f.lang === "fr" ? "fr-FR" : "en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
  const dateLabel = (d: string) =>
    new Intl.DateTimeFormat(f.lang === "fr" ? "fr-FR" : "en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(
      new Date(`${d}T00:00:00Z`),
    );
  const refused = query.kind === "refused" ? query : null;
  return {
    // Nothing can be sent upstream: said first, with where to fix it.
    noProvider: anyProvider ? null : { text: f.tx("admin.dash.no_provider"), href: "/admin/catalogue/providers", link: f.tx("admin.dash.no_provider_link") },
    periods: PERIODS.map((p) => ({
      href: `/admin?days=${p}`,
      label: f.tx(PERIOD_LABEL[p]),
      active: query.kind === "period" && p === query.days,
    })),
    range: {
      from: refused ? refused.from : query.kind === "range" ? query.from : "",
      to: refused ? refused.to : query.kind === "range" ? query.to : "",
      max: utcDate(now),
      errors: Object.fromEntries(
        Object.entries(refused?.problems ?? {}).map(([field, code]) => [field, f.tx(`admin.dash.range_error.${code}` as MessageKey)]),
      ) as Partial<Record<"from" | "to", string>>,
      shown: query.kind === "range" ? f.tx("admin.dash.range_shown", { from: dateLabel(query.from), to: dateLabel(query.to) }) : null,
    },
    figures: [
      { label: f.tx("admin.dash.revenue"), value: money(shown.revenue), note: `${f.tx("admin.dash.order_revenue")} ${money(shown.order_revenue)}` },
      { label: f.tx("admin.dash.cost"), value: money(shown.cost), note: "" },
      { label: f.tx("admin.dash.profit"), value: money(shown.profit), note: "" },
      { label: f.tx("admin.dash.orders"), value: displayNumber(shown.orders, f.lang), note: "" },
    ],
    whiteLabel: {
      amount: money(shown.white_label.amount),
      detail: f.tx("admin.dash.wl_sales_detail", { count: displayNumber(shown.white_label.count, f.lang), amount: money(shown.white_label.amount) }),
    },
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
    providers: providers.map((p) => ({
      name: p.name,
      balance: p.balance === null ? f.tx("admin.dash.provider_unread") : displayMoney(p.balance, p.currency, f.lang),
      low: p.low,
      checked: p.checked_at ? f.tx("admin.dash.provider_checked", { date: displayDate(toIso(p.checked_at), f.lang) }) : "",
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
    topServices: rankChart({
      title: f.tx("admin.dash.top_services"),
      empty: f.tx("admin.dash.no_services"),
      tone: "chart-c",
      rows: services.map((s) => ({ label: s.name, value: Math.max(0, s.revenue), shown: money(s.revenue) })),
    }),
  };
}
