import { Hono } from "hono";
import type { AppEnv, AuthedEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { validBody } from "../http/body.ts";
import { Forbidden } from "../core/errors.ts";
import { loginSchema, registerSchema } from "./schema.ts";
import { loginUser, registerUser } from "./service.ts";
import { invalidateSession, createSession } from "./session.ts";
import { accountView } from "./view.ts";
import { getSetting } from "../settings/service.ts";
import { toIso } from "../lib/time.ts";

export function authRoutes(opts: { loginLimiter: ReturnType<typeof import("../http/rate-limit.ts").limiter> }) {
  const app = new Hono<AppEnv>();

  app.post("/register", opts.loginLimiter, async (c) => {
    const ctx = ctxOf(c);
    const input = await validBody(c, registerSchema);
    if ((await getSetting(ctx, "registration_open")) !== "1") throw new Forbidden("Registration is closed", "registration_closed");
    const user = await registerUser(ctx, input);
    const { token, session } = await createSession(ctx, user.id, { ip: c.get("clientIp"), userAgent: c.req.header("user-agent") });
    const currency = await getSetting(ctx, "currency");
    return c.json({ data: { user: accountView(user, currency), token, token_type: "Bearer", expires_at: toIso(session.expires_at) } }, 201);
  });

  app.post("/login", opts.loginLimiter, async (c) => {
    const ctx = ctxOf(c);
    const input = await validBody(c, loginSchema);
    const { token, session, user } = await loginUser(ctx, input, { ip: c.get("clientIp"), userAgent: c.req.header("user-agent") });
    const currency = await getSetting(ctx, "currency");
    return c.json({ data: { user: accountView(user, currency), token, token_type: "Bearer", expires_at: toIso(session.expires_at) } });
  });

  return app;
}

/** /api/logout and /api/me: the caller's own session (requireAuth is applied at the mount). */
export function sessionRoutes() {
  const app = new Hono<AuthedEnv>();

  app.post("/logout", async (c) => {
    await invalidateSession(ctxOf(c), c.get("session").id);
    return c.json({ data: { message: "Logged out" } });
  });

  app.get("/me", async (c) => {
    const currency = await getSetting(ctxOf(c), "currency");
    return c.json({ data: accountView(c.get("user"), currency) });
  });

  return app;
}
