import { Hono, type Context } from "hono";
import type { AdminEnv, AuthedEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { pageEnvelope } from "../core/pagination.ts";
import { idParam } from "../core/params.ts";
import { parseInput } from "../core/validate.ts";
import type { Ctx } from "../context.ts";
import { readBody, validQuery } from "../http/body.ts";
import { resellerScope } from "../reseller/scope.ts";
import {
  connectGatewayAccount,
  gatewayAccountView,
  listGatewayAccounts,
  removeGatewayAccount,
  testGatewayAccount,
  updateGatewayAccount,
} from "./manage-accounts.ts";
import { gatewayPaymentDetail, listGatewayPayments, siteGatewayScope, type StaffGatewayPayment } from "./payment-list.ts";
import { gatewayAccountCreate, gatewayAccountUpdate, gatewayPaymentsQuery } from "./schema.ts";
import { gatewayNotificationView, staffGatewayPaymentView } from "./view.ts";

/** The list and one payment with its notifications, for whichever tenant the ctx is (the platform or a site). */
function paymentRoutes<E extends AdminEnv | AuthedEnv>(app: Hono<E>, ctxFor: (c: Context<E>) => Promise<Ctx>) {
  app.get("/gateway-payments", async (c) => {
    const ctx = await ctxFor(c);
    return c.json(pageEnvelope(await listGatewayPayments(ctx, validQuery(c, gatewayPaymentsQuery)), (p: StaffGatewayPayment) => staffGatewayPaymentView(p)));
  });
  app.get("/gateway-payments/:payment", async (c) => {
    const ctx = await ctxFor(c);
    const p = await gatewayPaymentDetail(ctx, c.req.param("payment") ?? "");
    return c.json({ data: { ...staffGatewayPaymentView(p), notifications: p.notifications.map(gatewayNotificationView) } });
  });
}

/**
 * `GET /api/admin/gateway-payments` (+ `/{uuid}`): the platform's own gateway payments, or with `?site={uuid}`
 * that site's, taken through its own account (requireAdmin at the mount).
 */
export function adminGatewayPaymentRoutes() {
  const app = new Hono<AdminEnv>();
  paymentRoutes(app, async (c) => {
    const site = c.req.query("site");
    return site === undefined ? ctxOf(c) : siteGatewayScope(ctxOf(c), site);
  });
  return app;
}

/**
 * `/api/white-label/sites/{uuid}/gateway-accounts` and `/gateway-payments`: a reseller's own gateway
 * accounts (connect, edit, test, remove; credentials write-only) and its site's payments. The caller's
 * own site only (404 otherwise); every verb runs with the site as tenant.
 */
export function siteGatewayRoutes() {
  const app = new Hono<AuthedEnv>();
  const site = async (c: Context<AuthedEnv>) => (await resellerScope(ctxOf(c), c.req.param("uuid") ?? "")).ctx;
  paymentRoutes(app, site);

  app.get("/gateway-accounts", async (c) => {
    const ctx = await site(c);
    return c.json({ data: (await listGatewayAccounts(ctx)).map((a) => gatewayAccountView(ctx, a)) });
  });
  app.post("/gateway-accounts", async (c) => {
    const ctx = await site(c);
    const account = await connectGatewayAccount(ctx, parseInput(gatewayAccountCreate, await readBody(c)));
    return c.json({ data: gatewayAccountView(ctx, account) }, 201);
  });
  app.put("/gateway-accounts/:id", async (c) => {
    const ctx = await site(c);
    const account = await updateGatewayAccount(ctx, idParam(c.req.param("id"), "Gateway account"), parseInput(gatewayAccountUpdate, await readBody(c)));
    return c.json({ data: gatewayAccountView(ctx, account) });
  });
  app.post("/gateway-accounts/:id/test", async (c) => {
    const ctx = await site(c);
    return c.json({ data: await testGatewayAccount(ctx, idParam(c.req.param("id"), "Gateway account")) });
  });
  app.delete("/gateway-accounts/:id", async (c) => {
    const ctx = await site(c);
    return c.json({ data: await removeGatewayAccount(ctx, idParam(c.req.param("id"), "Gateway account")) });
  });
  return app;
}
