import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { UUID_SEGMENT } from "../lib/uuid.ts";
import { gatewayPaymentDetail, listGatewayPayments } from "../payment-gateways/payment-list.ts";
import { gatewayPaymentPage, gatewayPaymentRow, statusOptions } from "../payment-gateways/payment-page-view.ts";
import { gatewayPaymentsQuery } from "../payment-gateways/schema.ts";
import type { Storefront } from "../storefront/respond.ts";
import { paginationView } from "../storefront/view.ts";
import { keptFilters, lenientQuery } from "./action-forms.ts";
import { consolePage } from "./frame.ts";

const FILTERS = ["status", "search"] as const;

/**
 * The Online payments section (admins, as Deposits): the platform's gateway payments filtered by status,
 * searched by payment id or customer, paginated — a refund or chargeback after crediting stands out —,
 * and one payment with its timeline and every notification received, escaped and without secrets.
 */
export function gatewayPaymentConsolePages(sf: Storefront) {
  const app = new Hono<AppEnv>();

  app.get("/admin/gateway-payments", (c) =>
    consolePage(c, sf, { id: "admin-gateway-payments", section: "gateway-payments", heading: "admin.gwpay.title" }, async (f) => {
      const q = lenientQuery(gatewayPaymentsQuery, c.req.query(), [...FILTERS, "page"], { per_page: "20" });
      const page = await listGatewayPayments(ctxOf(c), q);
      return {
        filters: { search: q.search ?? "", statuses: statusOptions(f.t, q.status) },
        total: page.total,
        payments: page.rows.map((p) => gatewayPaymentRow(p, `/admin/gateway-payments/${p.uuid}`, f)),
        pagination: paginationView(page.page, Math.max(1, Math.ceil(page.total / page.per_page)), "/admin/gateway-payments", keptFilters(c.req.url, FILTERS)),
      };
    }),
  );

  app.get(`/admin/gateway-payments/:uuid{${UUID_SEGMENT}}`, (c) =>
    consolePage(c, sf, { id: "admin-gateway-payment", section: "gateway-payments", heading: "admin.gwpay.payment_title" }, async (f) => {
      const p = await gatewayPaymentDetail(ctxOf(c), c.req.param("uuid"));
      return {
        payment: gatewayPaymentPage(p, f, {
          deposit: p.transaction_id === null ? null : `/admin/deposits/${p.transaction_id}`,
          user: `/admin/users/${p.user_id}`,
        }),
      };
    }),
  );

  return app;
}
