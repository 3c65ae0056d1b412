import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { UUID_SEGMENT } from "../lib/uuid.ts";
import { FIGURE_PERIODS, figurePeriod, siteFigures, type SiteServiceFigures } from "../reseller/stats.ts";
import { siteTenantCtx } from "../reseller/scope.ts";
import { barChart, rankChart } from "../statistics/charts.ts";
import { lastDays, utcDate } from "../statistics/figures.ts";
import { displayMoney, displayNumber } from "../storefront/format.ts";
import { pageRequest, render, type Storefront } from "../storefront/respond.ts";
import { ownedSite } from "./sites.ts";

/**
 * A reseller's figures for one of their sites, `/white-label/sites/:uuid/figures`: the period in the
 * URL (`?days=1|7|30` or `?from=&to=`), its revenue, cost, profit, orders and new customers, a chart per
 * day and the top services — `siteFigures`, the same verb as `GET /api/white-label/sites/{uuid}/stats`.
 * Money in the site's currency, as its customers are charged.
 */
export function siteFigurePages(sf: Storefront) {
  const app = new Hono<AppEnv>();

  app.get(`/white-label/sites/:uuid{${UUID_SEGMENT}}/figures`, async (c) => {
    const ctx = ctxOf(c);
    const site = await ownedSite(ctx, c.req.param("uuid"));
    const req = await pageRequest(c, sf);
    const { t, visit } = req;
    const lang = visit.lang;
    const now = ctx.clock.now();
    const typed = { days: c.req.query("days"), from: c.req.query("from"), to: c.req.query("to") };
    const asked = figurePeriod(typed, now);
    // A refused range keeps what was typed, names the field, and shows the last 30 days meanwhile.
    const problems = "problems" in asked ? asked.problems : null;
    const range = "range" in asked ? asked.range : { from: lastDays(now, 30).from!, to: utcDate(now) };
    const figures = await siteFigures(siteTenantCtx(ctx, site), range);
    const money = (v: number) => displayMoney(v, site.currency, lang);
    const number = (v: number) => displayNumber(v, lang);
    const locale = lang === "fr" ? "fr-FR" : "en-GB";
    const dayLabel = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" });
    const dateLabel = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
    const labels = figures.days.map((d) => dayLabel.format(new Date(`${d.date}T00:00:00Z`)));
    const base = `/white-label/sites/${site.uuid}/figures`;
    const ranked = (title: string, rows: SiteServiceFigures[], key: "revenue" | "profit", tone: string) =>
      rankChart({
        title,
        empty: t("platform.wl.fig.no_services"),
        tone,
        rows: rows.map((s) => ({ label: `${s.name} · ${t("platform.wl.fig.n_orders", { count: number(s.orders) })}`, value: s[key], shown: money(s[key]) })),
      });
    const data = {
      siteHref: `/white-label/sites/${site.uuid}`,
      ordersHref: `/white-label/sites/${site.uuid}/orders`,
      periods: FIGURE_PERIODS.map((days) => ({
        href: `${base}?days=${days}`,
        label: t(`platform.wl.fig.period_${days}`),
        active: !problems && "days" in asked && asked.days === days,
      })),
      range: {
        action: base,
        from: problems ? (typed.from ?? "") : "days" in asked && asked.days === null ? range.from : "",
        to: problems ? (typed.to ?? "") : "days" in asked && asked.days === null ? range.to : "",
        max: utcDate(now),
        errors: Object.fromEntries(Object.entries(problems ?? {}).map(([field, code]) => [field, t(`platform.wl.fig.range_error.${code}`)])),
      },
      shown: t("platform.wl.fig.shown", {
        from: dateLabel.format(new Date(`${range.from}T00:00:00Z`)),
        to: dateLabel.format(new Date(`${range.to}T00:00:00Z`)),
      }),
      figures: [
        { label: t("platform.wl.fig.revenue"), value: money(figures.totals.revenue) },
        { label: t("platform.wl.fig.cost"), value: money(figures.totals.cost) },
        { label: t("platform.wl.fig.profit"), value: money(figures.totals.profit) },
        { label: t("platform.wl.fig.orders"), value: number(figures.totals.orders) },
        { label: t("platform.wl.fig.new_customers"), value: number(figures.totals.new_customers) },
      ],
      chart: barChart({
        title: t("platform.wl.fig.chart_title"),
        labels,
        series: [
          { name: t("platform.wl.fig.revenue"), tone: "chart-a", values: figures.days.map((d) => d.revenue) },
          { name: t("platform.wl.fig.cost"), tone: "chart-c", values: figures.days.map((d) => d.cost) },
          { name: t("platform.wl.fig.profit"), tone: "chart-b", values: figures.days.map((d) => d.profit) },
        ],
        format: money,
      }),
      customersChart: barChart({
        title: t("platform.wl.fig.customers_chart_title"),
        labels,
        series: [{ name: t("platform.wl.fig.new_customers"), tone: "chart-a", values: figures.days.map((d) => d.new_customers) }],
        format: number,
      }),
      topByRevenue: ranked(t("platform.wl.fig.top_revenue"), figures.top_by_revenue, "revenue", "chart-a"),
      topByProfit: ranked(t("platform.wl.fig.top_profit"), figures.top_by_profit, "profit", "chart-b"),
    };
    const heading = t("platform.wl.fig.title", { site: site.name });
    return render(c, req, { id: "white-label-site-figures", heading, title: heading, status: problems ? 422 : 200 }, data);
  });

  return app;
}
