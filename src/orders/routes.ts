import { Hono } from "hono";
import type { AuthedEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { parseInput } from "../core/validate.ts";
import { readBody, validQuery } from "../http/body.ts";
import { pageEnvelope } from "../core/pagination.ts";
import { idempotent } from "../idempotency/idempotency.ts";
import { toIso } from "../lib/time.ts";
import { cancelOrder, requestRefill, type Refill } from "./actions.ts";
import { placeMassOrders, placeOrder } from "./place.ts";
import { massOrderBody, userOrdersQuery } from "./schema.ts";
import { listUserOrders, userOrder } from "./service.ts";
import { userOrderView } from "./view.ts";

function refillView(r: Refill) {
  return { uuid: r.uuid, status: r.status, created_at: toIso(r.created_at), updated_at: toIso(r.updated_at) };
}

/** /api/user/orders — the caller's orders (requireAuth is applied at the mount). */
export function orderRoutes() {
  const app = new Hono<AuthedEnv>();

  app.post("/", async (c) => {
    const ctx = ctxOf(c);
    const raw = await readBody(c);
    return idempotent(c, ctx, `u:${ctx.user.id}`, raw, async () => {
      const order = await placeOrder(ctx, raw, { source: "web" });
      return { status: 201, body: { data: userOrderView(order, ctx.clock.now()) } };
    });
  });

  app.post("/mass", async (c) => {
    const ctx = ctxOf(c);
    const raw = await readBody(c);
    return idempotent(c, ctx, `u:${ctx.user.id}`, raw, async () => {
      const results = await placeMassOrders(ctx, parseInput(massOrderBody, raw).orders, { source: "mass" });
      const now = ctx.clock.now();
      const data = results.map((r) => (r.ok ? { line: r.line, ok: true, order: userOrderView(r.order, now) } : r));
      const placed = results.filter((r) => r.ok).length;
      return { status: 200, body: { data, meta: { lines: results.length, placed, failed: results.length - placed } } };
    });
  });

  app.get("/", async (c) => {
    const ctx = ctxOf(c);
    const page = await listUserOrders(ctx, validQuery(c, userOrdersQuery));
    const now = ctx.clock.now();
    return c.json(pageEnvelope(page, (o) => userOrderView(o, now)));
  });

  app.get("/:uuid", async (c) => {
    const ctx = ctxOf(c);
    return c.json({ data: userOrderView(await userOrder(ctx, c.req.param("uuid")), ctx.clock.now()) });
  });

  app.post("/:uuid/refill", async (c) => {
    const refill = await requestRefill(ctxOf(c), c.req.param("uuid"));
    return c.json({ data: refillView(refill) }, 201);
  });

  app.post("/:uuid/cancel", async (c) => {
    const ctx = ctxOf(c);
    const r = await cancelOrder(ctx, c.req.param("uuid"));
    return c.json({ data: userOrderView(r.order, ctx.clock.now()), meta: { awaiting_provider: r.awaitingProvider } }, r.awaitingProvider ? 202 : 200);
  });

  return app;
}
