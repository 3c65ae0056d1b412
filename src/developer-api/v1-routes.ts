import { Hono } from "hono";
import type { ApiKeyEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { pageEnvelope } from "../core/pagination.ts";
import { readBody, validQuery } from "../http/body.ts";
import { idempotent } from "../idempotency/idempotency.ts";
import { formatMoney } from "../money/money.ts";
import { publicServicesQuery } from "../catalog/schema.ts";
import { listPublicServices } from "../catalog/service.ts";
import { publicCatalogueEnvelope } from "../catalog/view.ts";
import { userOrdersQuery } from "../orders/schema.ts";
import { listUserOrders, userOrder } from "../orders/service.ts";
import { userOrderView } from "../orders/view.ts";
import { keyOwnerBalance } from "./account.ts";
import { requirePermission } from "./middleware.ts";
import { placeApiOrder } from "./orders.ts";

/**
 * /api/v1 — the developer API (apiKeyAuth is applied at the mount: c.get("user") is the key's owner).
 * Same validation, prices and charging as the web API; each route needs one key permission.
 */
export function v1Routes() {
  const app = new Hono<ApiKeyEnv>();
  const now = (c: { var: ApiKeyEnv["Variables"] }) => c.var.services.clock.now();

  app.get("/services", requirePermission("services.read"), async (c) =>
    c.json(publicCatalogueEnvelope(await listPublicServices(ctxOf(c), validQuery(c, publicServicesQuery)))),
  );

  app.post("/orders", requirePermission("orders.create"), async (c) => {
    const ctx = ctxOf(c);
    const key = c.get("apiKey");
    const raw = await readBody(c);
    return idempotent(c, ctx, `k:${key.id}`, raw, async () => {
      const order = await placeApiOrder(ctx, raw, { source: "api", apiKeyId: key.id });
      return { status: 201, body: { data: userOrderView(await userOrder(ctx, order.uuid), now(c)) } };
    });
  });

  app.get("/orders", requirePermission("orders.read"), async (c) => {
    const page = await listUserOrders(ctxOf(c), validQuery(c, userOrdersQuery));
    return c.json(pageEnvelope(page, (o) => userOrderView(o, now(c))));
  });

  app.get("/orders/:id", requirePermission("orders.read"), async (c) => c.json({ data: userOrderView(await userOrder(ctxOf(c), c.req.param("id")), now(c)) }));

  app.get("/balance", requirePermission("balance.read"), async (c) => {
    const b = await keyOwnerBalance(ctxOf(c));
    return c.json({ data: { balance: formatMoney(b.balance), currency: b.currency } });
  });

  return app;
}
