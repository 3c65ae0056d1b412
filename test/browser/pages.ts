/** What the page list needs to build concrete paths: ids of the signed-in user's own records on a tenant. */
export interface PageFixture {
  serviceId: number;
  /** The category of that service. */
  categoryId?: number;
  orderUuid: string;
  ticketUuid: string;
  /** A credited automatic deposit of the signed-in user (src/payment-gateways). */
  gatewayPaymentUuid?: string;
  /** The platform user's own white-label site (platform only). */
  siteUuid?: string;
  /** A customer's ticket on that site (platform only). */
  siteTicketUuid?: string;
  /** A gateway payment of a customer of that site (platform only). */
  siteGatewayPaymentUuid?: string;
  /** A customer of that site (platform only). */
  siteCustomerId?: number;
  /** An invoice of that site's subscription (platform only). */
  siteInvoiceUuid?: string;
  /** The id of the platform order (admin console, platform only). */
  orderId?: number;
  /** The admin console's white-label records (platform only): a site, an invoice, a plan, a template. */
  console?: {
    siteId: number;
    invoiceUuid: string;
    planId: number;
    templateId: number;
    depositId: number;
    methodId: number;
    userId: number;
    providerId: number;
    syncRun: string;
  };
}

interface PageSpec {
  /** The route as the router registers it (`app.routes[].path`). */
  route: string;
  /** A name for screenshots and messages. */
  id: string;
  path(f: PageFixture): string;
  /** "staff": a platform admin, on the platform only (the admin console). */
  who: "anonymous" | "signed-in" | "both" | "staff";
  platformOnly?: true;
  status?: number;
}

const at = (path: string) => () => path;

/**
 * Every web page a person can open, once: the browser tests visit each of them. A GET route that
 * is neither here nor in NOT_PAGES fails `every-page.test.ts`, so a new page is measured too.
 */
export const EVERY_PAGE: PageSpec[] = [
  { route: "/", id: "home", path: at("/"), who: "both" },
  { route: "/services", id: "catalogue", path: at("/services"), who: "both" },
  { route: "/services/:id{[0-9]{1,12}}", id: "service", path: (f) => `/services/${f.serviceId}`, who: "both" },
  { route: "/login", id: "login", path: at("/login"), who: "anonymous" },
  { route: "/register", id: "register", path: at("/register"), who: "anonymous" },
  { route: "/password/forgot", id: "password-forgot", path: at("/password/forgot"), who: "anonymous" },
  { route: "/password/reset", id: "password-reset", path: at("/password/reset?token=a-token-from-an-email"), who: "anonymous" },
  { route: "/white-label", id: "white-label", path: at("/white-label"), who: "both", platformOnly: true },
  { route: "/white-label/sites", id: "white-label-sites", path: at("/white-label/sites"), who: "signed-in", platformOnly: true },
  {
    route: "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}",
    id: "white-label-site",
    path: (f) => `/white-label/sites/${f.siteUuid}`,
    who: "signed-in",
    platformOnly: true,
  },
  {
    route: "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}/storefront",
    id: "white-label-storefront",
    path: (f) => `/white-label/sites/${f.siteUuid}/storefront`,
    who: "signed-in",
    platformOnly: true,
  },
  {
    route: "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}/subscription",
    id: "white-label-site-subscription",
    path: (f) => `/white-label/sites/${f.siteUuid}/subscription`,
    who: "signed-in",
    platformOnly: true,
  },
  {
    route: "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}/invoices/:invoice{[0-9a-fA-F-]{36}}",
    id: "white-label-site-invoice",
    path: (f) => `/white-label/sites/${f.siteUuid}/invoices/${f.siteInvoiceUuid}`,
    who: "signed-in",
    platformOnly: true,
  },
  {
    route: "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}/customers",
    id: "white-label-site-customers",
    path: (f) => `/white-label/sites/${f.siteUuid}/customers`,
    who: "signed-in",
    platformOnly: true,
  },
  {
    route: "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}/pricing",
    id: "white-label-site-pricing",
    path: (f) => `/white-label/sites/${f.siteUuid}/pricing`,
    who: "signed-in",
    platformOnly: true,
  },
  {
    route: "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}/catalogue",
    id: "white-label-site-catalogue",
    path: (f) => `/white-label/sites/${f.siteUuid}/catalogue`,
    who: "signed-in",
    platformOnly: true,
  },
  {
    route: "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}/catalogue/categories/:id{[0-9]{1,12}}",
    id: "white-label-site-catalogue-category",
    path: (f) => `/white-label/sites/${f.siteUuid}/catalogue/categories/${f.categoryId}`,
    who: "signed-in",
    platformOnly: true,
  },
  {
    route: "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}/catalogue/services/:id{[0-9]{1,12}}",
    id: "white-label-site-catalogue-service",
    path: (f) => `/white-label/sites/${f.siteUuid}/catalogue/services/${f.serviceId}`,
    who: "signed-in",
    platformOnly: true,
  },
  {
    route: "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}/payment-methods",
    id: "white-label-site-methods",
    path: (f) => `/white-label/sites/${f.siteUuid}/payment-methods`,
    who: "signed-in",
    platformOnly: true,
  },
  {
    route: "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}/figures",
    id: "white-label-site-figures",
    path: (f) => `/white-label/sites/${f.siteUuid}/figures?days=7`,
    who: "signed-in",
    platformOnly: true,
  },
  {
    route: "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}/orders",
    id: "white-label-site-orders",
    path: (f) => `/white-label/sites/${f.siteUuid}/orders`,
    who: "signed-in",
    platformOnly: true,
  },
  {
    route: "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}/gateways",
    id: "white-label-site-gateways",
    path: (f) => `/white-label/sites/${f.siteUuid}/gateways`,
    who: "signed-in",
    platformOnly: true,
  },
  {
    route: "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}/gateway-payments",
    id: "white-label-site-gateway-payments",
    path: (f) => `/white-label/sites/${f.siteUuid}/gateway-payments`,
    who: "signed-in",
    platformOnly: true,
  },
  {
    route: "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}/gateway-payments/:payment{[0-9a-fA-F-]{36}}",
    id: "white-label-site-gateway-payment",
    path: (f) => `/white-label/sites/${f.siteUuid}/gateway-payments/${f.siteGatewayPaymentUuid}`,
    who: "signed-in",
    platformOnly: true,
  },
  {
    route: "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}/customers/:id{[0-9]+}",
    id: "white-label-site-customer",
    path: (f) => `/white-label/sites/${f.siteUuid}/customers/${f.siteCustomerId}`,
    who: "signed-in",
    platformOnly: true,
  },
  {
    route: "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}/tickets",
    id: "white-label-site-tickets",
    path: (f) => `/white-label/sites/${f.siteUuid}/tickets`,
    who: "signed-in",
    platformOnly: true,
  },
  {
    route: "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}/tickets/:ticket{[0-9a-fA-F-]{36}}",
    id: "white-label-site-ticket",
    path: (f) => `/white-label/sites/${f.siteUuid}/tickets/${f.siteTicketUuid}`,
    who: "signed-in",
    platformOnly: true,
  },
  // Theme previews: each theme's demo storefront (public), a site's branding in another theme (its owner).
  ...["aurora", "midnight", "savane"].flatMap((theme): PageSpec[] => [
    {
      route: "/white-label/themes/:slug{[a-z0-9][a-z0-9-]{0,59}}/demo",
      id: `theme-demo-${theme}`,
      path: at(`/white-label/themes/${theme}/demo`),
      who: "both",
      platformOnly: true,
    },
    {
      route: "/white-label/themes/:slug{[a-z0-9][a-z0-9-]{0,59}}/demo/services",
      id: `theme-demo-${theme}-services`,
      path: at(`/white-label/themes/${theme}/demo/services`),
      who: "both",
      platformOnly: true,
    },
    {
      route: "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}/storefront/preview/:slug{[a-z0-9][a-z0-9-]{0,59}}",
      id: `theme-preview-${theme}`,
      path: (f) => `/white-label/sites/${f.siteUuid}/storefront/preview/${theme}`,
      who: "signed-in",
      platformOnly: true,
    },
    {
      route: "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}/storefront/preview/:slug{[a-z0-9][a-z0-9-]{0,59}}/services",
      id: `theme-preview-${theme}-services`,
      path: (f) => `/white-label/sites/${f.siteUuid}/storefront/preview/${theme}/services`,
      who: "signed-in",
      platformOnly: true,
    },
  ]),
  { route: "/account", id: "account", path: at("/account"), who: "signed-in" },
  { route: "/account/settings", id: "account-settings", path: at("/account/settings"), who: "signed-in" },
  { route: "/account/password", id: "account-password", path: at("/account/password"), who: "signed-in" },
  { route: "/orders/new", id: "order-new", path: (f) => `/orders/new?service=${f.serviceId}`, who: "signed-in" },
  { route: "/orders", id: "orders", path: at("/orders"), who: "signed-in" },
  { route: "/orders/:uuid{[0-9a-fA-F-]{36}}", id: "order", path: (f) => `/orders/${f.orderUuid}`, who: "signed-in" },
  {
    route: "/orders/:uuid{[0-9a-fA-F-]{36}}/cancel",
    id: "order-cancel",
    path: (f) => `/orders/${f.orderUuid}/cancel`,
    who: "signed-in",
  },
  { route: "/funds", id: "funds", path: at("/funds"), who: "signed-in" },
  {
    route: "/funds/payments/:uuid{[0-9a-fA-F-]{36}}",
    id: "funds-payment",
    path: (f) => `/funds/payments/${f.gatewayPaymentUuid}`,
    who: "signed-in",
  },
  { route: "/tickets", id: "tickets", path: at("/tickets"), who: "signed-in" },
  { route: "/tickets/new", id: "ticket-new", path: at("/tickets/new"), who: "signed-in" },
  { route: "/tickets/:uuid{[0-9a-fA-F-]{36}}", id: "ticket", path: (f) => `/tickets/${f.ticketUuid}`, who: "signed-in" },
  { route: "/api-access", id: "api-access", path: at("/api-access"), who: "signed-in" },
  { route: "/api-access/replace", id: "api-access-replace", path: at("/api-access/replace"), who: "signed-in" },
  { route: "/faq", id: "faq", path: at("/faq"), who: "both" },
  { route: "/terms", id: "terms", path: at("/terms"), who: "both" },
  { route: "/contact", id: "contact", path: at("/contact"), who: "both" },
  { route: "/docs/api", id: "api-docs", path: at("/docs/api"), who: "both" },
  { route: "/orders/mass", id: "mass-order", path: at("/orders/mass"), who: "signed-in", platformOnly: true },
  { route: "/referrals", id: "referrals", path: at("/referrals"), who: "signed-in", platformOnly: true },
  { route: "/notifications", id: "notifications", path: at("/notifications"), who: "signed-in" },
  // Without a pending sign-in, the second step sends the visitor back to the login page.
  { route: "/login/two-factor", id: "login-two-factor", path: at("/login/two-factor"), who: "anonymous" },
  { route: "/email/verify", id: "email-verify", path: at("/email/verify?token=a-token-from-an-email"), who: "both" },
  { route: "/admin", id: "admin-dashboard", path: at("/admin"), who: "staff", platformOnly: true },
  { route: "/admin/orders", id: "admin-orders", path: at("/admin/orders"), who: "staff", platformOnly: true },
  { route: "/admin/orders/:id{[0-9]+}", id: "admin-order", path: (f) => `/admin/orders/${f.orderId}`, who: "staff", platformOnly: true },
  { route: "/admin/deposits", id: "admin-deposits", path: at("/admin/deposits"), who: "staff", platformOnly: true },
  { route: "/admin/deposits/:id{[0-9]+}", id: "admin-deposit", path: (f) => `/admin/deposits/${f.console?.depositId}`, who: "staff", platformOnly: true },
  { route: "/admin/gateway-payments", id: "admin-gateway-payments", path: at("/admin/gateway-payments"), who: "staff", platformOnly: true },
  {
    route: "/admin/gateway-payments/:uuid{[0-9a-fA-F-]{36}}",
    id: "admin-gateway-payment",
    path: (f) => `/admin/gateway-payments/${f.gatewayPaymentUuid}`,
    who: "staff",
    platformOnly: true,
  },
  { route: "/admin/deposits/methods", id: "admin-payment-methods", path: at("/admin/deposits/methods"), who: "staff", platformOnly: true },
  { route: "/admin/deposits/methods/new", id: "admin-payment-method-new", path: at("/admin/deposits/methods/new"), who: "staff", platformOnly: true },
  {
    route: "/admin/deposits/methods/:id{[0-9]+}",
    id: "admin-payment-method",
    path: (f) => `/admin/deposits/methods/${f.console?.methodId}`,
    who: "staff",
    platformOnly: true,
  },
  { route: "/admin/users", id: "admin-users", path: at("/admin/users"), who: "staff", platformOnly: true },
  { route: "/admin/users/:id{[0-9]+}", id: "admin-user", path: (f) => `/admin/users/${f.console?.userId}`, who: "staff", platformOnly: true },
  { route: "/admin/catalogue", id: "admin-catalogue", path: at("/admin/catalogue"), who: "staff", platformOnly: true },
  {
    route: "/admin/catalogue/services/:id{[0-9]+}",
    id: "admin-catalogue-service",
    path: (f) => `/admin/catalogue/services/${f.serviceId}`,
    who: "staff",
    platformOnly: true,
  },
  { route: "/admin/catalogue/categories", id: "admin-catalogue-categories", path: at("/admin/catalogue/categories"), who: "staff", platformOnly: true },
  { route: "/admin/catalogue/providers", id: "admin-catalogue-providers", path: at("/admin/catalogue/providers"), who: "staff", platformOnly: true },
  {
    route: "/admin/catalogue/providers/:id{[0-9]+}",
    id: "admin-catalogue-provider",
    path: (f) => `/admin/catalogue/providers/${f.console?.providerId}`,
    who: "staff",
    platformOnly: true,
  },
  {
    route: "/admin/catalogue/sync/:uuid{[0-9a-fA-F-]{36}}",
    id: "admin-catalogue-sync",
    path: (f) => `/admin/catalogue/sync/${f.console?.syncRun}`,
    who: "staff",
    platformOnly: true,
  },
  { route: "/admin/support", id: "admin-support", path: at("/admin/support"), who: "staff", platformOnly: true },
  { route: "/admin/support/replies", id: "admin-saved-replies", path: at("/admin/support/replies"), who: "staff", platformOnly: true },
  {
    route: "/admin/support/:uuid{[0-9a-fA-F-]{36}}",
    id: "admin-ticket",
    path: (f) => `/admin/support/${f.ticketUuid}`,
    who: "staff",
    platformOnly: true,
  },
  { route: "/admin/white-label", id: "admin-wl-sites", path: at("/admin/white-label"), who: "staff", platformOnly: true },
  {
    route: "/admin/white-label/sites/:id{[0-9]+}",
    id: "admin-wl-site",
    path: (f) => `/admin/white-label/sites/${f.console?.siteId}`,
    who: "staff",
    platformOnly: true,
  },
  { route: "/admin/white-label/plans", id: "admin-wl-plans", path: at("/admin/white-label/plans"), who: "staff", platformOnly: true },
  { route: "/admin/white-label/plans/new", id: "admin-wl-plan-new", path: at("/admin/white-label/plans/new"), who: "staff", platformOnly: true },
  {
    route: "/admin/white-label/plans/:id{[0-9]+}",
    id: "admin-wl-plan",
    path: (f) => `/admin/white-label/plans/${f.console?.planId}`,
    who: "staff",
    platformOnly: true,
  },
  {
    route: "/admin/white-label/templates/:id{[0-9]+}",
    id: "admin-wl-template",
    path: (f) => `/admin/white-label/templates/${f.console?.templateId}`,
    who: "staff",
    platformOnly: true,
  },
  { route: "/admin/white-label/subscriptions", id: "admin-wl-subscriptions", path: at("/admin/white-label/subscriptions"), who: "staff", platformOnly: true },
  { route: "/admin/white-label/invoices", id: "admin-wl-invoices", path: at("/admin/white-label/invoices"), who: "staff", platformOnly: true },
  {
    route: "/admin/white-label/invoices/:uuid{[0-9a-fA-F-]{36}}",
    id: "admin-wl-invoice",
    path: (f) => `/admin/white-label/invoices/${f.console?.invoiceUuid}`,
    who: "staff",
    platformOnly: true,
  },
  { route: "/admin/settings", id: "admin-settings", path: at("/admin/settings"), who: "staff", platformOnly: true },
  { route: "/admin/audit", id: "admin-audit", path: at("/admin/audit"), who: "staff", platformOnly: true },
  { route: "/admin/exports", id: "admin-exports", path: at("/admin/exports"), who: "staff", platformOnly: true },
  // Not a route: the theme's 404 page.
  { route: "", id: "not-found", path: at("/no-such-page"), who: "both", status: 404 },
];

/** GET routes that are files, not pages. */
export const NOT_PAGES = [
  "/assets/:theme/:file",
  "/favicon.ico",
  "/uploads/sites/:uuid/:file",
  // A site's logo for its theme preview (its owner only).
  "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}/storefront/logo/:file",
  "/robots.txt",
  "/sitemap.xml",
  "/manifest.webmanifest",
  "/icons/:file",
  // The owner's way onto its site and back out: redirects that set or clear the owner's bar (src/white-label/owner-view*.ts).
  "/white-label/sites/:uuid{[0-9a-fA-F-]{36}}/visit",
  "/owner-view",
  "/owner-view/exit",
  // A payment gateway's ping of its notification URL (JSON, src/payment-gateways/routes.ts).
  "/payments/:kind/notify",
  // CSV downloads of the console's Exports page.
  "/admin/exports/orders.csv",
  "/admin/exports/users.csv",
  "/admin/exports/transactions.csv",
  "/admin/exports/deposits.csv",
  "/admin/exports/commissions.csv",
];
