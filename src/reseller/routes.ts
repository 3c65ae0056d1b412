import { Hono, type Context } from "hono";
import type { AuthedEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { pageEnvelope } from "../core/pagination.ts";
import { parseInput } from "../core/validate.ts";
import { readBody, validBody, validQuery } from "../http/body.ts";
import { idempotent } from "../idempotency/idempotency.ts";
import { adjustBalance } from "../staff/users/balance.ts";
import { adjustBody, banBody } from "../staff/users/schema.ts";
import { sendResetLinkAsStaff, toggleBan, userOfTenant, userStats } from "../staff/users/service.ts";
import { adjustmentView } from "../staff/users/view.ts";
import { verifyBody } from "../staff/finance/schema.ts";
import { listLedger } from "../staff/finance/service.ts";
import { staffTransactionView } from "../staff/finance/view.ts";
import { verifyDeposit } from "../wallet/deposits.ts";
import { transactionView } from "../wallet/view.ts";
import { replyBody, staffTicketsQuery } from "../tickets/schema.ts";
import { closeAsStaff, listStaffTickets, replyAsStaff, staffTicket } from "../tickets/staff.ts";
import { staffTicketDetailView, staffTicketView } from "../tickets/view.ts";
import { listCustomers } from "./customers.ts";
import { listSiteOrders, siteOrder } from "./orders.ts";
import { createPaymentMethod, listPaymentMethods, removePaymentMethod, updatePaymentMethod } from "../staff/finance/payment-methods.ts";
import { paymentMethodCreate, paymentMethodUpdate } from "../staff/finance/schema.ts";
import { customersQuery, depositsQuery, siteOrdersQuery, statsQuery } from "./schema.ts";
import { resellerScope } from "./scope.ts";
import { idParam } from "../core/params.ts";
import { figurePeriod, siteFigures, siteStats } from "./stats.ts";
import { readDayRange } from "../statistics/figures.ts";
import { customerDetailView, customerView, siteFiguresView, siteMethodView, siteOrderView, siteStatsView } from "./view.ts";

/** The caller's site from the mount's :uuid and the site-tenant ctx every handler works with. */
const scope = (c: Context<AuthedEnv>) => resellerScope(ctxOf(c), c.req.param("uuid") ?? "");

/**
 * /api/white-label/sites/{uuid}/… — a reseller manages its own site's customers, deposits, orders,
 * tickets and payment methods (with their fees) (requireAuth is applied at the /api/white-label mount). Every handler
 * first resolves the caller's own site (404 for anyone else) and then calls the tenant-generic verbs
 * with the site as tenant, so every read and write is scoped by that site's id and audited with it.
 */
export function resellerRoutes() {
  const app = new Hono<AuthedEnv>();

  /** The site at a glance, and `period`: the figures of `?days=1|7|30` (30 by default) or `?from=&to=` (YYYY-MM-DD). */
  app.get("/stats", async (c) => {
    const { ctx, site } = await scope(c);
    const q = validQuery(c, statsQuery);
    const period = figurePeriod(q, ctx.clock.now());
    // The API's refusal of a chosen range: 422 naming the field, as the admin's dashboard does.
    const range = "range" in period ? period.range : readDayRange(q, ctx.clock.now());
    const [stats, figures] = await Promise.all([siteStats(ctx, site.currency), siteFigures(ctx, range)]);
    return c.json({ data: { ...siteStatsView(stats), period: siteFiguresView(figures) } });
  });

  // ---- Customers ----
  app.get("/customers", async (c) => {
    const { ctx } = await scope(c);
    return c.json(pageEnvelope(await listCustomers(ctx, validQuery(c, customersQuery)), customerView));
  });

  app.get("/customers/:id", async (c) => {
    const { ctx } = await scope(c);
    const user = await userOfTenant(ctx, idParam(c.req.param("id"), "Customer"));
    return c.json({ data: customerDetailView(user, await userStats(ctx, user.id)) });
  });

  app.post("/customers/:id/adjust-balance", async (c) => {
    const { ctx } = await scope(c);
    const id = idParam(c.req.param("id"), "Customer");
    const raw = await readBody(c);
    return idempotent(c, ctx, `u:${c.get("user").id}`, raw, async () => ({
      status: 200,
      body: { data: adjustmentView(await adjustBalance(ctx, id, parseInput(adjustBody, raw))) },
    }));
  });

  app.post("/customers/:id/toggle-ban", async (c) => {
    const { ctx } = await scope(c);
    const id = idParam(c.req.param("id"), "Customer");
    const input = await validBody(c, banBody);
    const user = await toggleBan(ctx, id, input.reason || undefined);
    return c.json({ data: customerDetailView(user, await userStats(ctx, user.id)) });
  });

  /** A password reset link to the customer, in the site's name and to the site's address (as "forgot password" there). */
  app.post("/customers/:id/password-reset", async (c) => {
    const { ctx } = await scope(c);
    await sendResetLinkAsStaff(ctx, idParam(c.req.param("id"), "Customer"));
    return c.json({ data: { sent: true } });
  });

  // ---- Deposits ----
  app.get("/deposits", async (c) => {
    const { ctx } = await scope(c);
    const q = validQuery(c, depositsQuery);
    return c.json(pageEnvelope(await listLedger(ctx, { ...q, type: "deposit" }), staffTransactionView));
  });

  app.post("/deposits/:id/verify", async (c) => {
    const { ctx } = await scope(c);
    const id = idParam(c.req.param("id"), "Deposit");
    const row = await verifyDeposit(ctx, id, await validBody(c, verifyBody));
    return c.json({ data: transactionView(row) });
  });

  // ---- Orders ----
  app.get("/orders", async (c) => {
    const { ctx } = await scope(c);
    return c.json(pageEnvelope(await listSiteOrders(ctx, validQuery(c, siteOrdersQuery)), siteOrderView));
  });

  app.get("/orders/:orderUuid", async (c) => {
    const { ctx } = await scope(c);
    return c.json({ data: siteOrderView(await siteOrder(ctx, c.req.param("orderUuid"))) });
  });

  // ---- Tickets: the reseller is the staff of its site ----
  app.get("/tickets", async (c) => {
    const { ctx } = await scope(c);
    return c.json(pageEnvelope(await listStaffTickets(ctx, validQuery(c, staffTicketsQuery)), staffTicketView));
  });

  app.get("/tickets/:ticketUuid", async (c) => {
    const { ctx } = await scope(c);
    return c.json({ data: staffTicketDetailView(await staffTicket(ctx, c.req.param("ticketUuid"))) });
  });

  app.post("/tickets/:ticketUuid/reply", async (c) => {
    const { ctx } = await scope(c);
    const { message } = await validBody(c, replyBody);
    return c.json({ data: staffTicketDetailView(await replyAsStaff(ctx, c.req.param("ticketUuid"), message)) });
  });

  app.post("/tickets/:ticketUuid/close", async (c) => {
    const { ctx } = await scope(c);
    return c.json({ data: staffTicketDetailView(await closeAsStaff(ctx, c.req.param("ticketUuid"))) });
  });

  // ---- Payment methods of the site (payment_methods.site_id = the site) ----
  app.get("/payment-methods", async (c) => {
    const { ctx } = await scope(c);
    return c.json({ data: (await listPaymentMethods(ctx)).map(siteMethodView) });
  });

  app.post("/payment-methods", async (c) => {
    const { ctx } = await scope(c);
    return c.json({ data: siteMethodView(await createPaymentMethod(ctx, await validBody(c, paymentMethodCreate))) }, 201);
  });

  app.put("/payment-methods/:id", async (c) => {
    const { ctx } = await scope(c);
    const id = idParam(c.req.param("id"), "Payment method");
    return c.json({ data: siteMethodView(await updatePaymentMethod(ctx, id, await validBody(c, paymentMethodUpdate))) });
  });

  app.delete("/payment-methods/:id", async (c) => {
    const { ctx } = await scope(c);
    return c.json({ data: await removePaymentMethod(ctx, idParam(c.req.param("id"), "Payment method")) });
  });

  return app;
}
