import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { UUID_SEGMENT } from "../lib/uuid.ts";
import { orderLabel } from "../orders/numbers.ts";
import { ORDER_STATUSES } from "../orders/schema.ts";
import { listSiteOrders, siteOrderedServices } from "../reseller/orders.ts";
import { siteOrdersQuery } from "../reseller/schema.ts";
import { siteTenantCtx } from "../reseller/scope.ts";
import { displayDate, displayMoney, displayNumber, statusBadge } from "../storefront/format.ts";
import { pageRequest, render, type Storefront } from "../storefront/respond.ts";
import { paginationView } from "../storefront/view.ts";
import { ownedSite } from "./sites.ts";

const FILTERS = ["status", "service_id", "from", "to", "search"] as const;
const PER_PAGE = 20;

/**
 * A reseller's orders of one of their sites, `/white-label/sites/:uuid/orders`: filters by status,
 * service and dates, a search by order number, link or customer e-mail, pages — all in the URL — over
 * `listSiteOrders`, the verb of `GET /api/white-label/sites/{uuid}/orders`. Each row keeps what the
 * customer paid, what the order cost the reseller and the margin. A refused filter is named under its
 * field (422), what was typed kept.
 */
export function siteOrderPages(sf: Storefront) {
  const app = new Hono<AppEnv>();

  app.get(`/white-label/sites/:uuid{${UUID_SEGMENT}}/orders`, async (c) => {
    const ctx = ctxOf(c);
    const site = await ownedSite(ctx, c.req.param("uuid"));
    const req = await pageRequest(c, sf);
    const { t, visit } = req;
    const siteCtx = siteTenantCtx(ctx, site);
    const typed = Object.fromEntries(FILTERS.map((k) => [k, (c.req.query(k) ?? "").trim().slice(0, 200)])) as Record<(typeof FILTERS)[number], string>;
    const n = Number(c.req.query("page"));
    const pageNo = Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
    const asked = siteOrdersQuery.safeParse({
      page: String(pageNo),
      per_page: String(PER_PAGE),
      ...Object.fromEntries(Object.entries(typed).filter(([, v]) => v !== "")),
    });
    const errors: Record<string, string> = {};
    if (!asked.success)
      for (const issue of asked.error.issues) {
        const field = String(issue.path[0] ?? "search");
        errors[field] = t(field === "from" || field === "to" ? `platform.wl.fig.filter_error.${field}` : "form.error.field_invalid");
      }
    const [page, services] = await Promise.all([asked.success ? listSiteOrders(siteCtx, asked.data) : Promise.resolve(null), siteOrderedServices(siteCtx)]);
    const money = (m: number) => displayMoney(m, site.currency, visit.lang);
    const base = `/white-label/sites/${site.uuid}/orders`;
    const kept = new URLSearchParams(Object.entries(typed).filter(([, v]) => v !== ""));
    const data = {
      siteHref: `/white-label/sites/${site.uuid}`,
      action: base,
      values: typed,
      errors,
      statuses: ORDER_STATUSES.map((s) => ({ value: s, label: t(`status.order.${s}`), selected: typed.status === s })),
      services: services.map((s) => ({ value: String(s.id), label: s.name, selected: typed.service_id === String(s.id) })),
      filtered: kept.size > 0,
      total: page ? t("platform.wl.fig.orders_found", { count: displayNumber(page.total, visit.lang) }) : null,
      orders: (page?.rows ?? []).map((o) => ({
        short: orderLabel(o),
        customer: o.username ?? `#${o.user_id}`,
        service: o.service_name ?? `#${o.service_id}`,
        link: o.link,
        sitePrice: money(Number(o.site_price ?? o.charge)),
        cost: o.reseller_cost == null ? "—" : money(Number(o.reseller_cost)),
        profit: o.profit == null ? "—" : money(Number(o.profit)),
        status: statusBadge("order", o.status, t),
        createdAt: displayDate(o.created_at, visit.lang),
      })),
      pagination: page ? paginationView(page.page, Math.max(1, Math.ceil(page.total / page.per_page)), base, kept) : null,
    };
    const heading = t("platform.wl.fig.orders_title", { site: site.name });
    return render(c, req, { id: "white-label-site-orders", heading, title: heading, status: asked.success ? 200 : 422 }, data);
  });

  return app;
}
