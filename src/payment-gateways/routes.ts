import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv, AuthedEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { readBody } from "../http/body.ts";
import { parseInput } from "../core/validate.ts";
import { NotFound, AppError } from "../core/errors.ts";
import type { GatewayKind } from "../db/schema.ts";
import { UUID_SEGMENT } from "../lib/uuid.ts";
import { idempotent } from "../idempotency/idempotency.ts";
import { activeGatewayAccounts } from "./accounts.ts";
import { GATEWAY_KINDS, receiveGatewayNotification } from "./notifications.ts";
import { ownGatewayPayment, startGatewayPayment } from "./payments.ts";
import { startGatewayBody } from "./schema.ts";
import { gatewayMethodView, gatewayPaymentView } from "./view.ts";

/** A notification is a small form or JSON document: anything larger is not one. */
const NOTIFICATION_LIMIT = 16 * 1024;

const kindOf = (raw: string): GatewayKind => {
  if (!(GATEWAY_KINDS as readonly string[]).includes(raw)) throw new NotFound("Route not found");
  return raw as GatewayKind;
};

/**
 * `/payments/{kind}/notify` on every tenant's host (public: the gateway calls it). CinetPay pings the URL
 * with a GET before using it; the POST is checked and read back before anything is credited.
 */
export function gatewayNotifyRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/:kind/notify", (c) => {
    kindOf(c.req.param("kind"));
    return c.json({ data: { ok: true } });
  });
  app.post(
    "/:kind/notify",
    bodyLimit({
      maxSize: NOTIFICATION_LIMIT,
      onError: (c) => c.json({ error: { code: "payload_too_large", message: "The request body is too large", request_id: c.get("requestId") } }, 413),
    }),
    async (c) => {
      const kind = kindOf(c.req.param("kind"));
      let rawBody: string;
      try {
        rawBody = await c.req.text();
      } catch {
        throw new AppError(400, "bad_request", "Unreadable body");
      }
      const outcome = await receiveGatewayNotification(ctxOf(c), kind, { rawBody, headers: c.req.raw.headers });
      return c.json({ data: { outcome } });
    },
  );
  return app;
}

/** `/api/deposits/gateway` — automatic deposits of the signed-in user (requireAuth is applied at the mount). */
export function gatewayDepositRoutes() {
  const app = new Hono<AuthedEnv>();

  app.get("/methods", async (c) => c.json({ data: (await activeGatewayAccounts(ctxOf(c))).map(gatewayMethodView) }));

  app.post("/", async (c) => {
    const ctx = ctxOf(c);
    const raw = await readBody(c);
    return idempotent(c, ctx, `u:${ctx.user.id}`, raw, async () => {
      const payment = await startGatewayPayment(ctx, parseInput(startGatewayBody, raw));
      return { status: 201, body: { data: gatewayPaymentView(payment) } };
    });
  });

  app.get(`/:uuid{${UUID_SEGMENT}}`, async (c) => {
    const payment = await ownGatewayPayment(ctxOf(c), c.req.param("uuid"));
    if (!payment) throw new NotFound("Payment not found");
    return c.json({ data: gatewayPaymentView(payment) });
  });

  return app;
}
