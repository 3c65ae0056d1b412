import type { Hono } from "hono";
import type { AppServices } from "../context.ts";
import type { AppEnv } from "./env.ts";
import type { StoreFactory } from "./rate-limit.ts";
import { limiter } from "./rate-limit.ts";
import { authRoutes } from "../auth/routes.ts";
import { requireAdmin, requireAuth } from "../auth/middleware.ts";

/** Every feature's routes, mounted once; auth is applied per mount, not per handler. */
export function mountFeatures(app: Hono<AppEnv>, services: AppServices, stores: StoreFactory): void {
  const { config } = services;
  const loginLimiter = limiter({
    store: stores("login"),
    limit: config.LOGIN_RATE_LIMIT_PER_MINUTE,
    key: (c) => `${c.var.tenant.siteId}:${c.var.clientIp}`,
  });
  app.route("/api", authRoutes({ loginLimiter }));

  // Every other protected seed endpoint answers 401/403 until its feature is mounted above.
  app.use("/api/admin/*", requireAdmin);
  for (const prefix of ["/api/user/*", "/api/wallet/*", "/api/wallet", "/api/white-label/*", "/api/tickets/*", "/api/tickets", "/api/notifications/*", "/api/notifications", "/api/referrals/*"]) {
    app.use(prefix, requireAuth);
  }
}
