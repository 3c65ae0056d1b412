import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { UUID_SEGMENT } from "../lib/uuid.ts";
import { gatewayPaymentDetail, listGatewayPayments, siteGatewayScope, sitesWithGatewayAccounts } from "../payment-gateways/payment-list.ts";
import type { Context } from "hono";
import type { Ctx } from "../context.ts";
import { gatewayPaymentPage, gatewayPaymentRow, statusOptions } from "../payment-gateways/payment-page-view.ts";
import { gatewayPaymentsQuery } from "../payment-gateways/schema.ts";
import type { Storefront } from "../storefront/respond.ts";
import { paginationView } from "../storefront/view.ts";
import { keptFilters, lenientQuery } from "./action-forms.ts";
import { consolePage } from "./frame.ts";

const FILTERS = ["site", "status", "search"] as const;

/** Whose payments: the platform's (no `site`), or one site's own account's, by the site's uuid. */
async function scopeOf(c: Context<AppEnv>): Promise<{ ctx: Ctx; site: string }> {
  const site = c.req.query("site") ?? "";
  return { ctx: site ? await siteGatewayScope(ctxOf(c), site) : ctxOf(c), site };
}

/**
 * The Online payments section (admins, as Deposits): the platform's gateway payments, or a site's through its
 * own account (chosen in the filters, as a site's refund notice names it), filtered by status,
 * searched by payment id or customer, paginated — a refund or chargeback after crediting stands out —,
 * and one payment with its timeline and every notification received, escaped and without secrets.
 */
export function gatewayPaymentConsolePages(sf: Storefront) {
  const app = new Hono<AppEnv>();

  app.get("/admin/gateway-payments", (c) =>
    consolePage(c, sf, { id: "admin-gateway-payments", section: "gateway-payments", heading: "admin.gwpay.title" }, async (f) => {
      const q = lenientQuery(gatewayPaymentsQuery, c.req.query(), ["status", "search", "page"], { per_page: "20" });
      const scope = await scopeOf(c);
      const [page, sites] = await Promise.all([listGatewayPayments(scope.ctx, q), sitesWithGatewayAccounts(ctxOf(c))]);
      const ofSite = scope.site ? `?site=${scope.site}` : "";
      return {
        filters: {
          search: q.search ?? "",
          statuses: statusOptions(f.t, q.status),
          sites: sites.map((s) => ({ value: s.uuid, label: `${s.name} (${s.slug})`, selected: s.uuid === scope.site })),
        },
        total: page.total,
        payments: page.rows.map((p) => gatewayPaymentRow(p, `/admin/gateway-payments/${p.uuid}${ofSite}`, f)),
        pagination: paginationView(page.page, Math.max(1, Math.ceil(page.total / page.per_page)), "/admin/gateway-payments", keptFilters(c.req.url, FILTERS)),
      };
    }),
  );

  app.get(`/admin/gateway-payments/:uuid{${UUID_SEGMENT}}`, (c) =>
    consolePage(c, sf, { id: "admin-gateway-payment", section: "gateway-payments", heading: "admin.gwpay.payment_title" }, async (f) => {
      const scope = await scopeOf(c);
      const p = await gatewayPaymentDetail(scope.ctx, c.req.param("uuid"));
      // A site's customer and deposit live in the site, not in the console's users and deposits.
      const own = scope.ctx.tenant.kind === "platform";
      return {
        back: scope.site ? `/admin/gateway-payments?site=${scope.site}` : "/admin/gateway-payments",
        site: scope.ctx.tenant.kind === "site" ? { name: scope.ctx.tenant.site.name, slug: scope.ctx.tenant.site.slug } : null,
        payment: gatewayPaymentPage(p, f, {
          deposit: own && p.transaction_id !== null ? `/admin/deposits/${p.transaction_id}` : null,
          user: own ? `/admin/users/${p.user_id}` : null,
        }),
      };
    }),
  );

  return app;
}
