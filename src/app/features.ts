import { Hono } from "hono";
import type { AppServices } from "../context.ts";
import type { AdminEnv, AppEnv, AuthedEnv } from "../http/env.ts";
import { guarded } from "../http/guard.ts";
import type { StoreFactory } from "../http/rate-limit.ts";
import { limiter } from "../http/rate-limit.ts";
import { authRoutes, sessionRoutes } from "../auth/routes.ts";
import { adminCatalogRoutes, publicCatalogRoutes } from "../catalog/routes.ts";
import { adminProviderRoutes } from "../providers/routes.ts";
import { adminRoutes } from "../admin/routes.ts";
import { requireAdmin, requireAuth } from "../auth/middleware.ts";
import { apiKeyAuth, keyLimits } from "../developer-api/middleware.ts";
import { walletRoutes } from "../wallet/routes.ts";
import { notificationRoutes } from "../notifications/routes.ts";
import { adminFinanceRoutes } from "../staff/finance/routes.ts";
import { adminUserRoutes } from "../staff/users/routes.ts";
import { whiteLabelPublicRoutes, whiteLabelRoutes } from "../white-label/routes.ts";
import { whiteLabelAdminRoutes } from "../white-label/admin-routes.ts";
import { resellerRoutes } from "../reseller/routes.ts";
import { whiteLabelPages } from "../white-label/pages.ts";
import { siteStorefrontPages } from "../site-storefront/pages.ts";
import { themePreviewPages } from "../theme-previews/pages.ts";
import { orderRoutes } from "../orders/routes.ts";
import { adminOrderRoutes } from "../orders/admin-routes.ts";
import { apiKeyRoutes } from "../developer-api/routes.ts";
import { v1Routes } from "../developer-api/v1-routes.ts";
import { providerApiHandler } from "../developer-api/v2/routes.ts";
import { referralRoutes } from "../referrals/routes.ts";
import { adminReferralRoutes } from "../referrals/admin-routes.ts";
import { adminSavedReplyRoutes, adminTicketRoutes, ticketRoutes } from "../tickets/routes.ts";
import { storefrontRoutes } from "../storefront/routes.ts";
import { storefrontAccountData } from "../storefront-account/account-data.ts";
import { storefrontAccountActions } from "../storefront-account/forms.ts";
import { accountLoginThrottle } from "../account/middleware.ts";
import { accountRoutes } from "../account/routes.ts";
import { accountSettingsPages } from "../account/pages.ts";
import { adminConsolePages } from "../admin-console/pages.ts";
import { massOrderPages, notificationPages, referralPages } from "../storefront-account/pages.ts";
import { contentPages } from "../content-pages/pages.ts";
import { adminContentPageRoutes, resellerContentPageRoutes } from "../content-pages/routes.ts";
import { siteCatalogueRoutes } from "../reseller/catalogue-routes.ts";
import { adminAuditRoutes } from "../audit/routes.ts";
import { adminExportRoutes } from "../exports/routes.ts";
import { emailLinkRoutes, userEmailRoutes } from "../auth/email-routes.ts";
import { gatewayDepositRoutes, gatewayNotifyRoutes } from "../payment-gateways/routes.ts";
import { gatewayPages } from "../payment-gateways/pages.ts";
import { ownerBar, ownerViewPages } from "../white-label/owner-view-pages.ts";
import { adminGatewayPaymentRoutes, siteGatewayRoutes } from "../payment-gateways/staff-routes.ts";
import { siteGatewayPages } from "../payment-gateways/site-pages.ts";

/**
 * Every feature's routes, mounted once. Auth is applied where a sub-app is mounted: a feature
 * that needs a caller is mounted through `guarded(guard, app)`, and its Env says so (AuthedEnv,
 * AdminEnv, ApiKeyEnv). Anything not mounted behind a guard is public.
 */
export function mountFeatures(app: Hono<AppEnv>, services: AppServices, stores: StoreFactory): void {
  const { config } = services;

  const loginLimiter = limiter({
    store: stores("login"),
    limit: config.LOGIN_RATE_LIMIT_PER_MINUTE,
    key: (c) => `${c.get("tenant").siteId}:${c.get("clientIp")}`,
  });

  // Failed sign-ins per account, on the JSON API and the login page of every tenant alike.
  // Wrong two-factor codes count on the same counter, at the sign-in's second step and in the account's settings.
  const accountThrottle = accountLoginThrottle(stores("login-account"), config);
  app.use("/api/login", accountThrottle.password);
  app.use("/login", accountThrottle.password);
  for (const path of ["/api/login/two-factor", "/login/two-factor", "/api/user/two-factor/*", "/account/two-factor/*"])
    app.use(path, accountThrottle.secondFactor);

  // Public: register, login, the catalogue, the white-label plans and templates.
  app.route("/api", authRoutes({ loginLimiter }));
  app.route("/api", emailLinkRoutes({ limiter: loginLimiter }));
  app.route("/api", publicCatalogRoutes());
  // One per-key counter and one unknown-key guard, shared by /api/v1 and /api/v2.
  const apiKeys = keyLimits(stores, config);
  app.route("/api/white-label", whiteLabelPublicRoutes());

  // The admin API: 401 without a session, 403 for anyone but a platform admin.
  const admin = new Hono<AdminEnv>()
    .route("/services/providers", adminProviderRoutes())
    .route("/services", adminCatalogRoutes())
    .route("/", adminRoutes())
    .route("/finance", adminFinanceRoutes())
    .route("/users", adminUserRoutes())
    .route("/white-label", whiteLabelAdminRoutes())
    .route("/orders", adminOrderRoutes())
    .route("/referrals", adminReferralRoutes())
    .route("/pages", adminContentPageRoutes())
    .route("/support/tickets", adminTicketRoutes())
    .route("/support/saved-replies", adminSavedReplyRoutes())
    .route("/audit-logs", adminAuditRoutes())
    .route("/exports", adminExportRoutes())
    .route("/", adminGatewayPaymentRoutes());
  app.route("/api/admin", guarded(requireAdmin, admin));

  // A signed-in user's API (Bearer token or the session cookie): 401 envelope otherwise.
  const user = new Hono<AuthedEnv>()
    .route("/", sessionRoutes())
    .route("/wallet", walletRoutes())
    .route("/deposits/gateway", gatewayDepositRoutes())
    .route("/notifications", notificationRoutes())
    .route("/white-label", whiteLabelRoutes())
    .route("/white-label/sites/:uuid/pages", resellerContentPageRoutes())
    .route("/white-label/sites/:uuid/catalogue", siteCatalogueRoutes())
    .route("/white-label/sites/:uuid", resellerRoutes())
    .route("/white-label/sites/:uuid", siteGatewayRoutes())
    .route("/user/orders", orderRoutes())
    .route("/user/api-keys", apiKeyRoutes())
    .route("/user/email", userEmailRoutes())
    .route("/user", accountRoutes())
    .route("/referrals", referralRoutes())
    .route("/tickets", ticketRoutes());
  app.route("/api", guarded(requireAuth, user));

  // The developer API: an X-API-Key with the route's permission.
  app.route("/api/v1", guarded(apiKeyAuth(apiKeys), v1Routes()));
  // The standard provider API, served by every tenant (the platform and each site on its own host); its key is in the form.
  app.on(["GET", "POST"], ["/api/v2", "/api/v2/"], providerApiHandler(apiKeys));

  // Public on every tenant's host: payment gateways post their notifications here (signature checked, status read back).
  app.route("/payments", gatewayNotifyRoutes());

  // Keep last: the storefront (themed pages of every tenant) is mounted at "/" after every API.
  app.route(
    "/",
    storefrontRoutes({
      services,
      loginLimiter,
      accountData: storefrontAccountData,
      actions: storefrontAccountActions,
      ownerBar,
      pages: [
        ownerViewPages,
        gatewayPages,
        whiteLabelPages,
        siteStorefrontPages,
        siteGatewayPages,
        themePreviewPages,
        accountSettingsPages,
        notificationPages,
        referralPages,
        massOrderPages,
        contentPages,
        adminConsolePages,
      ],
    }),
  );
}
