import type { Hono } from "hono";
import type { AppServices } from "../context.ts";
import type { AppEnv } from "../http/env.ts";
import type { StoreFactory } from "../http/rate-limit.ts";
import { limiter } from "../http/rate-limit.ts";
import { authRoutes } from "../auth/routes.ts";
import { adminCatalogRoutes, publicCatalogRoutes } from "../catalog/routes.ts";
import { adminProviderRoutes } from "../providers/routes.ts";
import { adminRoutes } from "../admin/routes.ts";
import { requireAdmin, requireAuth } from "../auth/middleware.ts";
import { apiKeyAuth, keyLimits } from "../developer-api/middleware.ts";
import { walletRoutes } from "../wallet/routes.ts";
import { notificationRoutes } from "../notifications/routes.ts";
import { adminFinanceRoutes } from "../staff/finance/routes.ts";
import { adminUserRoutes } from "../staff/users/routes.ts";
import { whiteLabelRoutes } from "../white-label/routes.ts";
import { whiteLabelAdminRoutes } from "../white-label/admin-routes.ts";
import { resellerRoutes } from "../reseller/routes.ts";
import { whiteLabelPages } from "../white-label/pages.ts";
import { orderRoutes } from "../orders/routes.ts";
import { adminOrderRoutes } from "../orders/admin-routes.ts";
import { apiKeyRoutes } from "../developer-api/routes.ts";
import { v1Routes } from "../developer-api/v1-routes.ts";
import { providerApiHandler } from "../developer-api/v2/routes.ts";
import { referralRoutes } from "../referrals/routes.ts";
import { adminTicketRoutes, ticketRoutes } from "../tickets/routes.ts";
import { storefrontRoutes } from "../storefront/routes.ts";
import { storefrontAccountData } from "../storefront-account/account-data.ts";
import { storefrontAccountActions } from "../storefront-account/forms.ts";

/** Seed endpoints under guarded prefixes that anyone may call. */
const PUBLIC_PATHS = new Set(["/api/white-label/plans", "/api/white-label/templates"]);

/** Every feature's routes, mounted once; auth is applied per mount prefix, not per handler. */
export function mountFeatures(app: Hono<AppEnv>, services: AppServices, stores: StoreFactory): void {
  const { config } = services;

  // Guards first: Hono runs middleware and handlers in registration order.
  app.use("/api/admin/*", requireAdmin);
  for (const prefix of ["/api/user/*", "/api/wallet/*", "/api/wallet", "/api/white-label/*", "/api/tickets/*", "/api/tickets", "/api/notifications/*", "/api/notifications", "/api/referrals/*"]) {
    app.use(prefix, async (c, next) => (PUBLIC_PATHS.has(c.req.path) ? next() : requireAuth(c, next)));
  }
  // One per-key counter and one unknown-key guard, shared by /api/v1 and /api/v2.
  const apiKeys = keyLimits(stores);
  app.use("/api/v1/*", apiKeyAuth(apiKeys));

  const loginLimiter = limiter({
    store: stores("login"),
    limit: config.LOGIN_RATE_LIMIT_PER_MINUTE,
    key: (c) => `${c.get("tenant").siteId}:${c.get("clientIp")}`,
  });

  // Feature routes (below the guards).
  app.route("/api", authRoutes({ loginLimiter }));
  app.route("/api", publicCatalogRoutes());
  app.route("/api/admin/services/providers", adminProviderRoutes());
  app.route("/api/admin/services", adminCatalogRoutes());
  app.route("/api/admin", adminRoutes());
  app.route("/api/wallet", walletRoutes());
  app.route("/api/notifications", notificationRoutes());
  app.route("/api/admin/finance", adminFinanceRoutes());
  app.route("/api/admin/users", adminUserRoutes());
  app.route("/api/white-label", whiteLabelRoutes());
  app.route("/api/white-label/sites/:uuid", resellerRoutes());
  app.route("/api/admin/white-label", whiteLabelAdminRoutes());
  app.route("/api/user/orders", orderRoutes());
  app.route("/api/admin/orders", adminOrderRoutes());
  app.route("/api/user/api-keys", apiKeyRoutes());
  app.route("/api/v1", v1Routes());
  // The standard provider API, served by every tenant (the platform and each site on its own host).
  app.on(["GET", "POST"], ["/api/v2", "/api/v2/"], providerApiHandler(apiKeys));
  app.route("/api/referrals", referralRoutes());
  app.route("/api/tickets", ticketRoutes());
  app.route("/api/admin/support/tickets", adminTicketRoutes());

  // Keep last: the storefront (themed pages of every tenant) is mounted at "/" after every API.
  app.route("/", storefrontRoutes({ services, loginLimiter, accountData: storefrontAccountData, actions: storefrontAccountActions, pages: [whiteLabelPages] }));
}
