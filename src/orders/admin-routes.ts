import { Hono } from "hono";
import type { AdminEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { idParam } from "../core/params.ts";
import { parseInput } from "../core/validate.ts";
import { readBody, validBody, validQuery } from "../http/body.ts";
import { pageEnvelope } from "../core/pagination.ts";
import { idempotent } from "../idempotency/idempotency.ts";
import { toIso } from "../lib/time.ts";
import { formatMoney } from "../money/money.ts";
import { adminOrderDetail, listAdminOrders, reconcileOrder, refundOrderByAdmin, setOrderStatusByAdmin } from "./admin.ts";
import { reconcileOrders } from "./reconcile-many.ts";
import { adminOrdersQuery, adminRefundBody, adminStatusBody, reconcileBody, reconcileManyBody } from "./schema.ts";
import { adminOrderView } from "./view.ts";

const orderIdOf = (raw: string) => idParam(raw, "Order");

/** /api/admin/orders — every order of the tenant, dispatch reconciliation and refunds (requireAdmin at the mount). */
export function adminOrderRoutes() {
  const app = new Hono<AdminEnv>();

  app.get("/", async (c) => {
    const ctx = ctxOf(c);
    const now = ctx.clock.now();
    return c.json(pageEnvelope(await listAdminOrders(ctx, validQuery(c, adminOrdersQuery)), (o) => adminOrderView(o, now)));
  });

  // Several held orders settled alike; a retry with the same Idempotency-Key replays the first answer.
  app.post("/reconcile", async (c) => {
    const ctx = ctxOf(c);
    const raw = await readBody(c);
    return idempotent(c, ctx, `u:${ctx.user.id}`, raw, async () => ({
      status: 200,
      body: { data: await reconcileOrders(ctx, parseInput(reconcileManyBody, raw)) },
    }));
  });

  app.get("/:id", async (c) => {
    const ctx = ctxOf(c);
    const d = await adminOrderDetail(ctx, orderIdOf(c.req.param("id")));
    return c.json({
      data: {
        ...adminOrderView(d.order, ctx.clock.now()),
        provider_logs: d.logs.map((l) => ({
          id: l.id,
          action: l.action,
          request: l.request,
          response: l.response,
          http_status: l.http_status,
          duration_ms: l.duration_ms,
          error: l.error,
          created_at: toIso(l.created_at),
        })),
        transactions: d.transactions.map((t) => ({
          uuid: t.uuid,
          user_id: t.user_id,
          type: t.type,
          amount: formatMoney(Number(t.amount)),
          status: t.status,
          description: t.description,
          created_at: toIso(t.created_at),
        })),
        refills: d.refills.map((r) => ({
          uuid: r.uuid,
          provider_refill_id: r.provider_refill_id,
          status: r.status,
          last_error: r.last_error,
          created_at: toIso(r.created_at),
        })),
        history: d.audit.map((a) => ({ action: a.action, by: a.actor, data: a.data ? JSON.parse(a.data) : null, created_at: toIso(a.created_at) })),
        referral_commissions: d.commissions.map((r) => ({
          level: r.level,
          referrer_id: r.referrer_id,
          rate_bp: r.rate_bp,
          amount: formatMoney(Number(r.amount)),
          reversed_amount: formatMoney(Number(r.reversed_amount)),
          status: r.status,
        })),
      },
    });
  });

  app.put("/:id/status", async (c) => {
    const ctx = ctxOf(c);
    const id = orderIdOf(c.req.param("id"));
    return c.json({ data: adminOrderView(await setOrderStatusByAdmin(ctx, id, await validBody(c, adminStatusBody)), ctx.clock.now()) });
  });

  app.post("/:id/refund", async (c) => {
    const ctx = ctxOf(c);
    const id = orderIdOf(c.req.param("id"));
    const raw = await readBody(c);
    return idempotent(c, ctx, `u:${ctx.user.id}`, raw, async () => {
      const order = await refundOrderByAdmin(ctx, id, parseInput(adminRefundBody, raw));
      return { status: 200, body: { data: adminOrderView(order, ctx.clock.now()) } };
    });
  });

  app.post("/:id/reconcile", async (c) => {
    const ctx = ctxOf(c);
    const id = orderIdOf(c.req.param("id"));
    return c.json({ data: adminOrderView(await reconcileOrder(ctx, id, await validBody(c, reconcileBody)), ctx.clock.now()) });
  });

  return app;
}
