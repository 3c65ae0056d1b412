import type { Tenants } from "./world.ts";

/**
 * What the fuzz needs to know about each JSON route: who owns it, a valid body to start from
 * (each known field is then replaced by hostile values), its query fields, and real ids for its
 * path so that the hostile body reaches validation instead of stopping at a 404.
 */
export type Role = "admin" | "user" | "none";

export interface RouteSpec {
  /** Whose resource the path names: the platform user (p1), the owner of site A, or an admin. */
  owner: "admin" | "user" | "reseller" | "public";
  /** A valid body (or a builder of one); its fields are the fields fuzzed. */
  body?: Record<string, unknown> | ((t: Tenants, victims: Victims) => Record<string, unknown>);
  query?: string[];
  params?: (t: Tenants, victims: Victims) => Record<string, string>;
  /** Money-moving POSTs that take an Idempotency-Key. */
  idempotent?: boolean;
  /** An empty body is a valid, expensive request here (a full catalogue sync): not sent. */
  skipEmpty?: boolean;
  /** The API is the developer API (X-API-Key) or the standard protocol at /api/v2. */
  api?: "v1" | "v2";
  /** Host the route is called on (default: the platform). */
  host?: (t: Tenants) => string;
  /** The valid body is refused anyway (no such provider, nothing due…): why, in a few words. */
  baseRefused?: string;
  /** Bodies that are wrong in this route's own terms (each is merged over the valid body). */
  extra?: (t: Tenants, victims: Victims) => Record<string, unknown>[];
}

/** Resources the fuzz may damage (delete, ban, revoke, log out) without spoiling other routes. */
export interface Victims {
  /** A service, its category, a provider and a site that the admin routes may rename, reprice or switch off. */
  serviceId: number;
  categoryId: number;
  providerId: number;
  siteId: number;
  userId: number;
  banUserId: number;
  deleteUserId: number;
  /** A user with an own price of `serviceId`, and a platform payment method nothing uses: the routes may delete them. */
  priceUserId: number;
  deleteMethodId: number;
  keyId: string;
  notificationId: number;
  logoutTokens: { admin: string; user: string };
  /** Users of their own whose sessions the session routes may end: one to end another session of, one to end all others of. */
  sessions: { token: string; otherId: string; endAllToken: string };
  v1Keys: { admin: string; user: string };
  methodId: number;
  ticket: string;
  customerId: number;
  /** Saved replies of the platform's support: one to edit, one to delete. */
  savedReplies: { edit: number; remove: number };
  /** Site A's gateway accounts (pointing at a closed loopback port): one to edit and test, one to remove. */
  gatewayAccounts: { edit: number; remove: number };
}

const PAGE = ["page", "per_page"];

export const SPECS: Record<string, RouteSpec> = {
  // ---- auth ----
  "POST /api/register": {
    extra: () => [
      { username: "ab" },
      { username: "a b" },
      { email: "x@" },
      { password: "short" },
      { password_confirmation: "other" },
      { referral_code: "NOPE" },
      { language: "de" },
      { username: "\u0000\u0000\u0000" },
    ],
    owner: "public",
    body: { username: "fuzzer_base", email: "fuzzer-base@example.com", password: "correct-horse-9", language: "fr", full_name: "Fuzz" },
  },
  "POST /api/login": { baseRefused: "no such account", owner: "public", body: { login: "nobody@example.com", password: "wrong-password-1" } },
  "POST /api/password/forgot": { owner: "public", body: { email: "nobody@example.com" } },
  "POST /api/password/reset": { baseRefused: "no such token", owner: "public", body: { token: "nosuchtoken", password: "a-brand-new-secret" } },
  "PUT /api/user/password": {
    baseRefused: "wrong current password",
    owner: "user",
    body: { current_password: "not-the-password", password: "a-brand-new-secret" },
  },
  "POST /api/login/two-factor": {
    baseRefused: "no such challenge",
    owner: "public",
    body: { challenge: "abcdefghijklmnopqrstuvwxyz234567", code: "123456" },
    extra: () => [{ code: "" }, { code: "x".repeat(41) }, { challenge: "" }, { challenge: "x".repeat(101) }],
  },
  "POST /api/logout": { owner: "user", body: {} },
  "GET /api/me": { owner: "user" },

  // ---- the account: sessions and profile ----
  "GET /api/user/sessions": { owner: "user" },
  "DELETE /api/user/sessions": { owner: "user" },
  "DELETE /api/user/sessions/:id": { owner: "user", params: (_t, v) => ({ id: v.sessions.otherId }) },
  "GET /api/user/email": { owner: "user" },
  "PUT /api/user/email": {
    extra: () => [{ email: "x@" }, { email: "" }, { current_password: "" }, { current_password: "not-the-password" }],
    owner: "user",
    body: { email: "fuzz-new-address@example.com", current_password: "correct-horse-9" },
  },
  "POST /api/user/email/verification": { owner: "user", body: {} },
  "POST /api/email/verify": { baseRefused: "no such token", owner: "public", body: { token: "nosuchtoken" } },
  "GET /api/user/profile": { owner: "user" },
  "PUT /api/user/profile": {
    extra: () => [{ phone: "call me" }, { phone: "+1" }, { language: "de" }, { full_name: "x".repeat(121) }, { full_name: "a\u202eb" }],
    owner: "user",
    body: { full_name: "Fuzz Base", phone: "+225 07 12 34 56", language: "fr" },
  },

  // ---- the account: two-factor sign-in (the user's secret is never enrolled here, so codes are refused) ----
  "GET /api/user/two-factor": { owner: "user" },
  "POST /api/user/two-factor/start": { owner: "user", body: {} },
  "POST /api/user/two-factor/confirm": {
    baseRefused: "wrong code",
    owner: "user",
    body: { code: "000000" },
    extra: () => [{ code: "" }, { code: "1".repeat(41) }],
  },
  "POST /api/user/two-factor/recovery-codes": {
    baseRefused: "two-factor is off",
    owner: "user",
    body: { code: "000000", password: "not-the-password" },
    extra: () => [{ code: undefined, password: undefined }],
  },
  "POST /api/user/two-factor/disable": { baseRefused: "two-factor is off", owner: "user", body: { password: "not-the-password", code: "000000" } },

  // ---- catalogue ----
  "GET /api/services": { owner: "public", query: ["category", "search", ...PAGE] },
  "GET /api/admin/services/providers": { owner: "admin" },
  "POST /api/admin/services/providers": {
    owner: "admin",
    body: { name: "Fuzz provider", url: "https://fuzz.example/api/v2", key: "k", currency: "USD", exchange_rate: "600", is_active: false },
  },
  "PUT /api/admin/services/providers/:id": { owner: "admin", params: (_t, v) => ({ id: String(v.providerId) }), body: { name: "Sim", exchange_rate: "600" } },
  "GET /api/admin/services": { owner: "admin", query: ["category_id", "provider_id", "search", "is_active", "removed", ...PAGE] },
  "GET /api/admin/services/categories": { owner: "admin" },
  "PUT /api/admin/services/categories/:id": {
    owner: "admin",
    params: (_t, v) => ({ id: String(v.categoryId) }),
    body: { name: "Test", description: null, sort_order: 1, is_active: true, icon: "star" },
  },
  "POST /api/admin/services/sync": { baseRefused: "no such provider", owner: "admin", body: { provider_id: 987654 }, skipEmpty: true },
  "POST /api/admin/services/sync-runs": { baseRefused: "no such provider", owner: "admin", body: { provider_id: 987654 }, skipEmpty: true },
  "GET /api/admin/services/sync-runs/:uuid{[0-9a-fA-F-]{36}}": { owner: "admin", params: () => ({ uuid: "00000000-0000-4000-8000-000000000000" }) },
  "POST /api/admin/services/bulk": {
    extra: () => [{ ids: [] }, { ids: [987654] }, { is_active: "yes" }],
    owner: "admin",
    body: (_t, v) => ({ ids: [v.serviceId], is_active: true }),
  },
  "POST /api/admin/services/categories": { owner: "admin", body: { name: "Fuzz category", name_fr: "Catégorie", icon: "star", is_active: false } },
  // Deleting the victim category would spoil the routes that edit it: a category that does not exist.
  "DELETE /api/admin/services/categories/:id": { baseRefused: "no such category", owner: "admin", params: () => ({ id: "987654" }) },
  "POST /api/admin/services/categories/:id/move": { owner: "admin", params: (_t, v) => ({ id: String(v.categoryId) }), body: { direction: "up" } },
  "POST /api/admin/services/providers/:id/test": { owner: "admin", params: (_t, v) => ({ id: String(v.providerId) }) },
  "PUT /api/admin/services/:id{[0-9]+}": {
    extra: () => [{ margin_bp: -1 }, { min: 0 }, { min: 100, max: 10 }, { margin_bp: 100001 }, { unknown: 1 }],
    owner: "admin",
    params: (_t, v) => ({ id: String(v.serviceId) }),
    body: { name: "Svc", description: null, margin_bp: 3000, is_active: true, min: 10, max: 10000 },
  },

  // ---- admin dashboard and settings ----
  "GET /api/admin/dashboard": { owner: "admin", query: ["from", "to"] },
  "GET /api/admin/dashboard/revenue-chart": { owner: "admin", query: ["days"] },
  "GET /api/admin/settings": { owner: "admin" },
  "GET /api/admin/settings/platform-stats": { owner: "admin" },
  "PUT /api/admin/settings/:key": {
    extra: () => [{ value: "" }, { value: "x".repeat(501) }, { value: null }, { value: {} }, { value: ["a"] }],
    owner: "admin",
    params: () => ({ key: "site_name" }),
    body: { value: "IzyBoost" },
  },

  "POST /api/admin/settings/platform-logo": { owner: "admin", body: { logo: "not a file" }, baseRefused: "a JSON body carries no image" },
  "DELETE /api/admin/settings/platform-logo": { owner: "admin" },

  // ---- audit log and exports ----
  "GET /api/admin/audit-logs": { owner: "admin", query: ["actor", "action", "target_type", "target_id", "ip", "from", "to", ...PAGE] },
  ...Object.fromEntries(
    ["orders", "users", "transactions", "deposits", "commissions"].map((kind) => [
      `GET /api/admin/exports/${kind}.csv`,
      { owner: "admin", query: ["from", "to", "status"] },
    ]),
  ),

  // ---- wallet ----
  "GET /api/wallet": { owner: "user" },
  "GET /api/wallet/transactions": { owner: "user", query: ["type", "status", ...PAGE] },
  "GET /api/wallet/deposit-methods": { owner: "user" },
  // ---- automatic deposits (payment gateways) ----
  "GET /api/deposits/gateway/methods": { owner: "user" },
  "POST /api/deposits/gateway": {
    owner: "user",
    body: { gateway_account_id: 1, amount: "1000" },
    idempotent: true,
    baseRefused: "the fuzz world has no gateway account",
    extra: () => [{ amount: "0" }, { amount: "-5" }, { amount: "1000.5" }, { amount: "1e3" }, { gateway_account_id: "1e0" }],
  },
  "GET /api/deposits/gateway/:uuid{[0-9a-fA-F-]{36}}": { owner: "user", params: () => ({ uuid: "00000000-0000-4000-8000-000000000000" }) },
  "POST /api/wallet/deposit": {
    extra: (t) => [
      { amount: "0.0000001" },
      { amount: "-5" },
      { amount: "0" },
      { amount: "999999999999.9999999" },
      { amount: "10" },
      { amount: "99999999" },
      { payment_method_id: t.A.method },
      { reference: "x" },
      { phone: "abc" },
    ],
    owner: "user",
    idempotent: true,
    body: (t) => ({ payment_method_id: t.platformMethodId, amount: "1000", reference: "FUZZ-REF-1", phone: "+225 07 00 00 00" }),
  },

  // ---- notifications ----
  "GET /api/notifications": { owner: "user", query: ["unread", ...PAGE] },
  "GET /api/notifications/unread-count": { owner: "user" },
  "POST /api/notifications/read-all": { owner: "user", body: {} },
  "POST /api/notifications/:id/read": { owner: "user", params: (t) => ({ id: String(t.p1.notification) }), body: {} },
  "DELETE /api/notifications/:id": { owner: "user", params: (_t, v) => ({ id: String(v.notificationId) }) },

  // ---- admin finance ----
  "GET /api/admin/finance/stats": { owner: "admin" },
  "GET /api/admin/finance/transactions": {
    owner: "admin",
    query: ["type", "status", "user_id", "payment_method_id", "user", "reference", "from", "to", "sort", ...PAGE],
  },
  "GET /api/admin/finance/deposits/:id": { owner: "admin", params: (t) => ({ id: String(t.p2.deposit.id) }) },
  "POST /api/admin/finance/transactions/:id/verify": {
    owner: "admin",
    params: (t) => ({ id: String(t.p2.deposit.id) }),
    body: { action: "reject", note: "fuzz" },
  },
  "GET /api/admin/finance/payment-methods": { owner: "admin" },
  "POST /api/admin/finance/payment-methods": {
    extra: () => [{ code: "Not A Code" }, { min_amount: "10", max_amount: "1" }, { fee_percent: "100.01" }, { is_active: true, account_number: null }],
    owner: "admin",
    body: {
      code: "fuzz_method",
      name: "Fuzz Money",
      type: "mobile_money",
      instructions_fr: "Envoyez",
      instructions_en: "Send",
      account_name: "IzyBoost",
      account_number: "+225 07",
      min_amount: "500",
      max_amount: "5000000",
      is_active: false,
      fee_percent: "1.5",
      fee_fixed: "0",
      fee_min: "0",
      fee_max: null,
    },
  },
  "DELETE /api/admin/finance/payment-methods/:id": { owner: "admin", params: (_t, v) => ({ id: String(v.deleteMethodId) }) },
  "PUT /api/admin/finance/payment-methods/:id": {
    extra: () => [{ min_amount: "10", max_amount: "1" }, { fee_percent: "100.01" }, { fee_percent: "1.234" }, { fee_min: "10", fee_max: "1" }],
    owner: "admin",
    params: (t) => ({ id: String(t.platformMethodId) }),
    body: {
      name: "Orange Money",
      instructions_fr: "Envoyez",
      instructions_en: "Send",
      account_name: "IzyBoost",
      account_number: "+225 07",
      min_amount: "500",
      max_amount: "5000000",
      is_active: true,
      fee_percent: "1.5",
      fee_fixed: "0",
      fee_min: "0",
      fee_max: null,
    },
  },

  // ---- admin users ----
  "GET /api/admin/users": { owner: "admin", query: ["search", "role", "banned", "from", "to", ...PAGE] },
  "GET /api/admin/users/:id": { owner: "admin", params: (t) => ({ id: String(t.p1.user.id) }) },
  "PUT /api/admin/users/:id": {
    owner: "admin",
    params: (_t, v) => ({ id: String(v.userId) }),
    body: { username: "victim_base", email: "victim-base@example.com", role: "user", full_name: "Victim", language: "en" },
  },
  "POST /api/admin/users/:id/toggle-ban": { owner: "admin", params: (_t, v) => ({ id: String(v.banUserId) }), body: { reason: "fuzz" } },
  "POST /api/admin/users/:id/adjust-balance": {
    extra: () => [{ amount: "-999999999" }, { amount: "0" }, { amount: "0.0000001" }, { amount: "999999999999" }, { reason: "" }],
    owner: "admin",
    idempotent: true,
    params: (_t, v) => ({ id: String(v.userId) }),
    body: { amount: "10", reason: "fuzz test" },
  },
  "DELETE /api/admin/users/:id": { owner: "admin", params: (_t, v) => ({ id: String(v.deleteUserId) }) },
  "GET /api/admin/users/:id/sessions": { owner: "admin", params: (t) => ({ id: String(t.p1.user.id) }) },
  "GET /api/admin/users/:id/api-keys": { owner: "admin", params: (t) => ({ id: String(t.p1.user.id) }) },
  "GET /api/admin/users/:id/referrals": { owner: "admin", params: (t) => ({ id: String(t.p1.user.id) }) },
  "POST /api/admin/users/:id/password-reset": { owner: "admin", params: (_t, v) => ({ id: String(v.userId) }) },
  "GET /api/admin/users/:id/prices": { owner: "admin", params: (t) => ({ id: String(t.p1.user.id) }) },
  "PUT /api/admin/users/:id/prices": {
    extra: (_t, v) => [{ rate: "0" }, { rate: "-1" }, { service_id: 99999999 }, { service_id: v.serviceId, rate: "0.0000001" }],
    owner: "admin",
    params: (_t, v) => ({ id: String(v.userId) }),
    body: (_t, v) => ({ service_id: v.serviceId, rate: "500" }),
  },
  "DELETE /api/admin/users/:id/prices/:serviceId": {
    owner: "admin",
    params: (_t, v) => ({ id: String(v.priceUserId), serviceId: String(v.serviceId) }),
  },

  // ---- white label: the reseller's own sites ----
  "GET /api/white-label/plans": { owner: "public" },
  "GET /api/white-label/templates": { owner: "public" },
  "POST /api/white-label/purchase": {
    extra: () => [
      { slug: "www" },
      { slug: "ab" },
      { slug: "-bad-" },
      { slug: "x".repeat(64) },
      { slug: "UPPER_case" },
      { plan_id: 99999999 },
      { template_id: 99999999 },
      { billing_cycle: "weekly" },
      { custom_domain: "localhost" },
      { custom_domain: "izyboost.test" },
      { custom_domain: "x.sites.izyboost.test" },
      { custom_domain: "*.evil.com" },
      { custom_domain: "127.0.0.1" },
      { site_name: "\u0000\u0000" },
    ],
    owner: "user",
    idempotent: true,
    body: { plan_id: 1, template_id: 1, billing_cycle: "monthly", site_name: "Fuzz shop", slug: "fuzz-base-shop", custom_domain: null },
  },
  "GET /api/white-label/sites": { owner: "reseller", query: PAGE },
  "GET /api/white-label/sites/:uuid": { owner: "reseller", params: (t) => ({ uuid: t.A.uuid }) },
  "PUT /api/white-label/sites/:uuid/branding": {
    extra: () => [
      { settings: { primary_color: { $gt: "" } } },
      { settings: { unknown_setting: "x" } },
      { settings: { tagline: "x".repeat(100_000) } },
      { contact: { instagram: "javascript:alert(1)" } },
      { contact: { whatsapp: "+1" } },
      { contact: { email: "not-an-email" } },
      { template_id: 99999999 },
      { primary_color: "#12345g" },
      { name: "<b>x</b>\u0007" },
      { currency: "EURO" },
    ],
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid }),
    body: {
      name: "Boutique",
      tagline: "Vite",
      primary_color: "#4f46e5",
      accent_color: "#fff",
      language: "fr",
      currency: "XOF",
      contact: { email: "a@example.com" },
      footer_text: "Pied",
      settings: {},
      remove_logo: false,
    },
  },
  "PUT /api/white-label/sites/:uuid/pricing": {
    extra: (t) => [
      { categories: Array.from({ length: 501 }, () => ({ category_id: t.w.categoryId, margin: "1" })) },
      { services: [{ service_id: 99999999999, margin: "10" }] },
      { services: [{ service_id: t.serviceId, margin: "10", fixed_rate: "5" }] },
      { default_margin: "1000.01" },
      { default_margin: "-1" },
      { categories: [{ category_id: t.w.categoryId, margin: "12.345" }] },
      { services: [{ service_id: t.serviceId, fixed_rate: "0" }] },
      { services: [{ service_id: t.serviceId, hidden: "yes" }] },
      { categories: [null] },
      { services: [{ __proto__: { hidden: true } }] },
    ],
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid }),
    body: (t) => ({
      default_margin: "50",
      reset: false,
      categories: [{ category_id: t.w.categoryId, margin: "40" }],
      services: [{ service_id: t.serviceId, fixed_rate: "2000" }],
    }),
  },
  "POST /api/white-label/sites/:uuid/pricing/preview": {
    extra: (t) => [
      { categories: Array.from({ length: 501 }, () => ({ category_id: t.w.categoryId, margin: "1" })) },
      { services: [{ service_id: 99999999999, margin: "10" }] },
      { services: [{ service_id: t.serviceId, margin: "10", fixed_rate: "5" }] },
      { default_margin: "abc" },
      { services: [{ service_id: t.serviceId, fixed_rate: "-5" }] },
      { services: [{ __proto__: { hidden: true } }] },
    ],
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid }),
    body: (t) => ({
      default_margin: "50",
      reset: false,
      categories: [{ category_id: t.w.categoryId, margin: "40" }],
      services: [{ service_id: t.serviceId, fixed_rate: "2000" }],
    }),
  },
  "PUT /api/white-label/sites/:uuid/domain": {
    extra: () => [
      { custom_domain: "localhost" },
      { custom_domain: "izyboost.test" },
      { custom_domain: "shop.sites.izyboost.test" },
      { custom_domain: "*.evil.com" },
      { custom_domain: "127.0.0.1" },
      { custom_domain: "a..b" },
      { custom_domain: "x".repeat(300) },
      { custom_domain: "xn--" },
      { custom_domain: "exa mple.com" },
    ],
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid }),
    body: { custom_domain: "shop-fuzz.example.com" },
  },
  "POST /api/white-label/sites/:uuid/domain/verify": {
    baseRefused: "no custom domain to verify",
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid }),
    body: {},
  },
  "POST /api/white-label/sites/:uuid/renew": {
    baseRefused: "nothing due yet",
    owner: "reseller",
    idempotent: true,
    params: (t) => ({ uuid: t.A.uuid }),
    body: {},
  },
  // ---- site A's subscription (src/white-label/subscription-routes.ts); A is on business, monthly, and holds customers' money ----
  "GET /api/white-label/sites/:uuid/invoices": { owner: "reseller", params: (t) => ({ uuid: t.A.uuid }), query: PAGE },
  "GET /api/white-label/sites/:uuid/invoices/:invoice": {
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid, invoice: "00000000-0000-4000-8000-000000000000" }),
  },
  "POST /api/white-label/sites/:uuid/plan/quote": {
    baseRefused: "already on this plan and cycle",
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid }),
    body: { plan_id: 2, billing_cycle: "monthly" },
  },
  "POST /api/white-label/sites/:uuid/plan": {
    baseRefused: "already on this plan and cycle",
    owner: "reseller",
    idempotent: true,
    params: (t) => ({ uuid: t.A.uuid }),
    body: { plan_id: 2, billing_cycle: "monthly" },
  },
  "POST /api/white-label/sites/:uuid/plan/keep": { baseRefused: "no plan change waiting", owner: "reseller", params: (t) => ({ uuid: t.A.uuid }), body: {} },
  "POST /api/white-label/sites/:uuid/cancel": { owner: "reseller", params: (t) => ({ uuid: t.A.uuid }), body: {} },
  "POST /api/white-label/sites/:uuid/resume": { owner: "reseller", params: (t) => ({ uuid: t.A.uuid }), body: {} },
  "POST /api/white-label/sites/:uuid/delete": {
    baseRefused: "site A holds its customers' money",
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid }),
    body: (t) => ({ confirm_slug: t.A.owner.site.slug }),
  },

  // ---- reseller management of site A ----
  "GET /api/white-label/sites/:uuid/currency": { owner: "reseller", params: (t) => ({ uuid: t.A.uuid }) },
  "PUT /api/white-label/sites/:uuid/currency": {
    extra: () => [
      { currency: "EURO" },
      { currency: "ZZZ" },
      { currency: "EUR", rate: "-1" },
      { currency: "EUR", rate: "655.9571234" },
      { currency: "EUR", rate: "1e3" },
      { currency: "MAD" },
      { currency: "XOF", rate: { $gt: 0 } },
    ],
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid }),
    body: { currency: "XOF", rate: null },
  },
  "GET /api/white-label/sites/:uuid/stats": { owner: "reseller", params: (t) => ({ uuid: t.A.uuid }), query: ["days", "from", "to"] },
  "GET /api/white-label/sites/:uuid/customers": { owner: "reseller", params: (t) => ({ uuid: t.A.uuid }), query: ["search", "banned", ...PAGE] },
  "GET /api/white-label/sites/:uuid/customers/:id": { owner: "reseller", params: (t) => ({ uuid: t.A.uuid, id: String(t.A.customer.user.id) }) },
  "POST /api/white-label/sites/:uuid/customers/:id/adjust-balance": {
    extra: () => [{ amount: "-999999999" }, { amount: "0" }, { amount: "0.0000001" }, { reason: "x" }],
    owner: "reseller",
    idempotent: true,
    params: (t, v) => ({ uuid: t.A.uuid, id: String(v.customerId) }),
    body: { amount: "10", reason: "fuzz test" },
  },
  "POST /api/white-label/sites/:uuid/customers/:id/toggle-ban": {
    owner: "reseller",
    params: (t, v) => ({ uuid: t.A.uuid, id: String(v.customerId) }),
    body: { reason: "fuzz" },
  },
  "POST /api/white-label/sites/:uuid/customers/:id/password-reset": { owner: "reseller", params: (t, v) => ({ uuid: t.A.uuid, id: String(v.customerId) }) },
  "GET /api/white-label/sites/:uuid/deposits": { owner: "reseller", params: (t) => ({ uuid: t.A.uuid }), query: ["status", ...PAGE] },
  "POST /api/white-label/sites/:uuid/deposits/:id/verify": {
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid, id: String(t.A.deposit.id) }),
    body: { action: "reject", note: "fuzz" },
  },
  "GET /api/white-label/sites/:uuid/orders": {
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid }),
    query: ["status", "service_id", "from", "to", "search", ...PAGE],
  },
  "GET /api/white-label/sites/:uuid/orders/:orderUuid": { owner: "reseller", params: (t) => ({ uuid: t.A.uuid, orderUuid: t.A.order.uuid }) },
  "GET /api/white-label/sites/:uuid/tickets": {
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid }),
    query: ["status", "priority", "category", "assigned_to", "user_id", "search", ...PAGE],
  },
  "GET /api/white-label/sites/:uuid/tickets/:ticketUuid": { owner: "reseller", params: (t) => ({ uuid: t.A.uuid, ticketUuid: t.A.ticket }) },
  "POST /api/white-label/sites/:uuid/tickets/:ticketUuid/reply": {
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid, ticketUuid: t.A.ticket }),
    body: { message: "Bonjour" },
  },
  "POST /api/white-label/sites/:uuid/tickets/:ticketUuid/close": { owner: "reseller", params: (t) => ({ uuid: t.A.uuid, ticketUuid: t.A.ticket }), body: {} },
  "GET /api/white-label/sites/:uuid/pages": { owner: "reseller", params: (t) => ({ uuid: t.A.uuid }) },
  "PUT /api/white-label/sites/:uuid/pages/:slug": {
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid, slug: "faq" }),
    body: { body_fr: "## Délais\nSous 24 h.", body_en: "## Timing\nWithin 24 h." },
  },
  "GET /api/white-label/sites/:uuid/catalogue": { owner: "reseller", params: (t) => ({ uuid: t.A.uuid }) },
  "GET /api/white-label/sites/:uuid/catalogue/categories/:id": { owner: "reseller", params: (t) => ({ uuid: t.A.uuid, id: String(t.w.categoryId) }) },
  "PUT /api/white-label/sites/:uuid/catalogue/categories/:id": {
    extra: () => [{ name_fr: "x".repeat(121) }, { description_en: "y".repeat(2001) }, { featured: "yes" }, { name_en: ["a"] }, { colour: "red" }],
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid, id: String(t.w.categoryId) }),
    body: { name_fr: "Abonnés de chez nous", name_en: "Our followers", description_fr: "Rapide", description_en: "Fast", featured: true },
  },
  "POST /api/white-label/sites/:uuid/catalogue/categories/:id/move": {
    extra: () => [{ direction: "left" }, { direction: "" }, { direction: "up", by: 3 }],
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid, id: String(t.w.categoryId) }),
    body: { direction: "down" },
  },
  "PUT /api/white-label/sites/:uuid/catalogue/platforms/:platform": {
    extra: () => [{ hidden: "true" }, { hidden: 1 }, { hidden: null }],
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid, platform: "other" }),
    body: { hidden: false },
  },
  "GET /api/white-label/sites/:uuid/catalogue/services": { owner: "reseller", params: (t) => ({ uuid: t.A.uuid }), query: ["search", "page"] },
  "GET /api/white-label/sites/:uuid/catalogue/services/:id": { owner: "reseller", params: (t) => ({ uuid: t.A.uuid, id: String(t.serviceId) }) },
  "PUT /api/white-label/sites/:uuid/catalogue/services/:id": {
    extra: () => [{ name_fr: "x".repeat(121) }, { description_fr: "\u0000" }, { name_en: 7 }, { rate: "1" }],
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid, id: String(t.serviceId) }),
    body: { name_fr: "Abonnés premium", name_en: "Premium followers", description_fr: null, description_en: "" },
  },
  "DELETE /api/white-label/sites/:uuid/catalogue/services/:id": { owner: "reseller", params: (t) => ({ uuid: t.A.uuid, id: String(t.serviceId) }) },
  "GET /api/admin/pages": { owner: "admin" },
  "GET /api/admin/pages/:slug": { owner: "admin", params: () => ({ slug: "terms" }) },
  "PUT /api/admin/pages/:slug": { owner: "admin", params: () => ({ slug: "terms" }), body: { body_fr: "Conditions", body_en: "Terms" } },
  // ---- a reseller's own gateway accounts and its site's gateway payments; the platform's ----
  "GET /api/admin/gateway-payments": { owner: "admin", query: ["status", "search", ...PAGE] },
  "GET /api/admin/gateway-payments/:payment": { owner: "admin", params: () => ({ payment: "00000000-0000-4000-8000-000000000000" }) },
  "GET /api/white-label/sites/:uuid/gateway-payments": { owner: "reseller", params: (t) => ({ uuid: t.A.uuid }), query: ["status", "search", ...PAGE] },
  "GET /api/white-label/sites/:uuid/gateway-payments/:payment": {
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid, payment: "00000000-0000-4000-8000-000000000000" }),
  },
  "GET /api/white-label/sites/:uuid/gateway-accounts": { owner: "reseller", params: (t) => ({ uuid: t.A.uuid }) },
  "POST /api/white-label/sites/:uuid/gateway-accounts": {
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid }),
    body: {
      kind: "cinetpay",
      name: "Fuzz gateway",
      mode: "live",
      currency: "XOF",
      fee_percent: "1.5",
      is_active: false,
      credentials: { apikey: "fuzz-key-1234", site_id: "123456", secret_key: "fuzz-secret-1234" },
    },
    extra: () => [
      { kind: "paypal" },
      { mode: "simulated" },
      { currency: "EUR" },
      { fee_percent: "101" },
      { credentials: { apikey: "", site_id: "1", secret_key: "s" } },
      { credentials: { apikey: "k", site_id: "bad id!", secret_key: "s" } },
    ],
  },
  "PUT /api/white-label/sites/:uuid/gateway-accounts/:id": {
    owner: "reseller",
    params: (t, v) => ({ uuid: t.A.uuid, id: String(v.gatewayAccounts.edit) }),
    body: { name: "Fuzz edit", fee_percent: "2", is_active: false, credentials: { apikey: "", secret_key: "new-secret-5678" } },
    extra: () => [{ mode: "simulated" }, { currency: "USD" }, { credentials: { site_id: "bad id!" } }],
  },
  "POST /api/white-label/sites/:uuid/gateway-accounts/:id/test": {
    owner: "reseller",
    params: (t, v) => ({ uuid: t.A.uuid, id: String(v.gatewayAccounts.edit) }),
  },
  "DELETE /api/white-label/sites/:uuid/gateway-accounts/:id": {
    owner: "reseller",
    params: (t, v) => ({ uuid: t.A.uuid, id: String(v.gatewayAccounts.remove) }),
  },
  "GET /api/white-label/sites/:uuid/payment-methods": { owner: "reseller", params: (t) => ({ uuid: t.A.uuid }) },
  "POST /api/white-label/sites/:uuid/payment-methods": {
    extra: () => [
      { code: "UPPER" },
      { code: "" },
      { type: "crypto" },
      { min_amount: "10", max_amount: "1" },
      { is_active: true, account_number: null, type: "bank" },
      { code: "orange_money" },
      { fee_percent: "101" },
      { fee_min: "100", fee_max: "10" },
    ],
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid }),
    body: {
      code: "fuzz_pay",
      name: "Fuzz Pay",
      type: "mobile_money",
      instructions_fr: "Envoyez",
      instructions_en: "Send",
      account_name: "Shop",
      account_number: "+225 01",
      min_amount: "100",
      max_amount: "1000000",
      is_active: false,
      fee_percent: "2.5",
      fee_fixed: "100",
      fee_min: "0",
      fee_max: null,
    },
  },
  "PUT /api/white-label/sites/:uuid/payment-methods/:id": {
    owner: "reseller",
    params: (t) => ({ uuid: t.A.uuid, id: String(t.A.method) }),
    body: { name: "Pay", min_amount: "100", max_amount: null, is_active: true, fee_percent: "1", fee_fixed: "0", fee_min: "0", fee_max: "500" },
  },
  "DELETE /api/white-label/sites/:uuid/payment-methods/:id": { owner: "reseller", params: (t, v) => ({ uuid: t.A.uuid, id: String(v.methodId) }) },

  // ---- admin white label ----
  "GET /api/admin/white-label/sites": { owner: "admin", query: ["status", "search", "owner", "owner_id", "plan_id", ...PAGE] },
  "GET /api/admin/white-label/sites/:id": { owner: "admin", params: (t) => ({ id: String(t.B.siteId) }) },
  "POST /api/admin/white-label/sites/:id/toggle-status": { owner: "admin", params: (_t, v) => ({ id: String(v.siteId) }), body: {} },
  "POST /api/admin/white-label/sites/:id/extend": {
    owner: "admin",
    params: (_t, v) => ({ id: String(v.siteId) }),
    body: { days: 1 },
    extra: () => [{ days: 0 }, { days: 5000 }, { days: "1e3" }],
  },
  "GET /api/admin/white-label/plans": { owner: "admin" },
  "POST /api/admin/white-label/plans": {
    owner: "admin",
    body: { slug: "fuzz-plan", name: "Fuzz plan", price_monthly: "1000", price_yearly: "10000", max_customers: 10, features: ["a"] },
    extra: () => [{ slug: "Not A Slug" }, { price_monthly: "0" }, { price_yearly: "-1" }],
  },
  "PUT /api/admin/white-label/plans/:id": {
    owner: "admin",
    params: () => ({ id: "3" }),
    body: {
      name: "Enterprise",
      description: null,
      price_monthly: "40000",
      price_yearly: "400000",
      max_customers: null,
      allows_custom_domain: true,
      features: ["a"],
      is_active: true,
      sort_order: 2,
    },
  },
  "GET /api/admin/white-label/templates": { owner: "admin" },
  "POST /api/admin/white-label/templates": {
    owner: "admin",
    baseRefused: "every installed theme has its template",
    body: { slug: "aurora", name: "Aurora again", description: null, is_active: true, sort_order: 1 },
  },
  "PUT /api/admin/white-label/templates/:id": {
    owner: "admin",
    params: () => ({ id: "1" }),
    body: { name: "Template", description: null, is_active: true, sort_order: 1 },
  },
  "GET /api/admin/white-label/invoices": { owner: "admin", query: ["search", "user_id", ...PAGE] },
  "GET /api/admin/white-label/invoices/:id": { owner: "admin", params: () => ({ id: "1" }) },
  "GET /api/admin/white-label/subscriptions": { owner: "admin", query: ["status", "site_id", "user_id", ...PAGE] },

  // ---- orders ----
  "POST /api/user/orders": {
    extra: (t) => [
      { service_id: 99999999999 },
      { service_id: "1 OR 1=1" },
      { quantity: Number.MAX_SAFE_INTEGER + 2 },
      { quantity: 5 },
      { quantity: 10_000_000 },
      { link: "javascript:alert(1)" },
      { link: "x".repeat(5000) },
      { runs: 1e308, interval: -1 },
      { runs: 2, interval: 10 },
      { comments: "a\n".repeat(50_000) },
      { service_id: t.serviceId, quantity: "100", link: ["https://x.test"] },
    ],
    owner: "user",
    idempotent: true,
    body: (t) => ({ service_id: t.serviceId, link: "https://instagram.com/p/fuzz", quantity: 100 }),
  },
  "POST /api/user/orders/mass": {
    extra: (t) => [
      { orders: "99999999999999999999|https://x.test|100" },
      { orders: `${t.serviceId}|javascript:alert(1)|1e308` },
      { orders: `${t.serviceId}|https://x.test|-5` },
      { orders: `${t.serviceId}|https://x.test|100|extra|fields` },
      { orders: "\u0000|\u0000|\u0000" },
      { orders: Array.from({ length: 101 }, () => `${t.serviceId}|https://x.test|100`).join("\n") },
      { orders: `${t.serviceId}|https://x.test|9007199254740993` },
      { orders: "|||\n\n|" },
    ],
    owner: "user",
    idempotent: true,
    body: (t) => ({ orders: `${t.serviceId}|https://instagram.com/p/m|100` }),
  },
  "GET /api/user/orders": { owner: "user", query: ["status", "search", ...PAGE] },
  "GET /api/user/orders/:uuid": { owner: "user", params: (t) => ({ uuid: t.p1.order.uuid }) },
  "POST /api/user/orders/:uuid/refill": { baseRefused: "the order is not completed", owner: "user", params: (t) => ({ uuid: t.p1.order.uuid }), body: {} },
  "POST /api/user/orders/:uuid/cancel": { owner: "user", params: (t) => ({ uuid: t.p1.order.uuid }), body: {} },
  "GET /api/admin/orders": {
    owner: "admin",
    query: ["status", "dispatch_state", "user_id", "user", "site_id", "service_id", "provider_id", "from", "to", "search", ...PAGE],
  },
  "GET /api/admin/orders/:id": { owner: "admin", params: (t) => ({ id: String(t.p1.order.id) }) },
  "PUT /api/admin/orders/:id/status": {
    extra: () => [
      { status: "failed" },
      { status: "partial", remains: undefined },
      { status: "partial", remains: Number.MAX_SAFE_INTEGER + 2 },
      { status: "partial", remains: 999999 },
    ],
    owner: "admin",
    params: (t) => ({ id: String(t.p2.order.id) }),
    body: { status: "partial", remains: 10, note: "fuzz" },
  },
  "POST /api/admin/orders/:id/refund": {
    extra: () => [{ amount: "999999999" }, { amount: "0" }, { amount: "-1" }, { reason: "" }],
    owner: "admin",
    idempotent: true,
    params: (t) => ({ id: String(t.p2.order.id) }),
    body: { amount: "1", reason: "fuzz test" },
  },
  "POST /api/admin/orders/reconcile": {
    extra: (t) => [
      { order_ids: [], action: "refund" },
      { order_ids: Array.from({ length: 101 }, (_, i) => i + 1), action: "refund" },
      { order_ids: ["x", -1], action: "resend" },
      { order_ids: [t.p2.order.id], action: "mark_sent" },
      { order_ids: [999999999], action: "refund" },
    ],
    owner: "admin",
    idempotent: true,
    body: (t) => ({ order_ids: [t.p2.order.id], action: "resend", note: "fuzz" }),
  },
  "POST /api/admin/orders/:id/reconcile": {
    baseRefused: "the dispatch is not unknown",
    extra: () => [{ action: "resend" }, { action: "refund" }, { action: "mark_sent", provider_order_id: {} }, { action: "mark_sent", provider_order_id: "" }],
    owner: "admin",
    params: (t) => ({ id: String(t.p2.order.id) }),
    body: { action: "mark_sent", provider_order_id: "123", note: "fuzz" },
  },

  // ---- API keys ----
  "POST /api/user/api-keys": {
    extra: () => [
      { ip_whitelist: ["::1/200"] },
      { ip_whitelist: ["999.1.1.1"] },
      { ip_whitelist: ["10.0.0.0/33"] },
      { ip_whitelist: Array.from({ length: 51 }, (_, i) => `10.0.0.${i}`) },
      { permissions: ["admin"] },
      { permissions: [] },
      { expires_at: "2020-01-01" },
      { expires_at: "2099-02-30" },
      { expires_at: "2099-01-01T25:00:00Z" },
      { rate_limit_per_minute: 601 },
    ],
    owner: "user",
    body: { name: "fuzz", permissions: ["orders.read"], rate_limit_per_minute: 60, ip_whitelist: ["10.0.0.0/8"], expires_at: "2099-01-01" },
  },
  "GET /api/user/api-keys": { owner: "user", query: PAGE },
  "GET /api/user/api-keys/:id": { owner: "user", params: (t) => ({ id: t.p1.key.id }) },
  "DELETE /api/user/api-keys/:id": { owner: "user", params: (_t, v) => ({ id: v.keyId }) },
  "GET /api/user/api-keys/:id/logs": { owner: "user", params: (t) => ({ id: t.p1.key.id }), query: PAGE },

  // ---- developer API v1 (X-API-Key) ----
  "GET /api/v1/services": { owner: "user", api: "v1", query: ["category", "search", ...PAGE] },
  "POST /api/v1/orders": {
    extra: () => [{ service_id: 99999999999 }, { quantity: Number.MAX_SAFE_INTEGER + 2 }, { link: "" }, { runs: "1e308", interval: "NaN" }],
    owner: "user",
    api: "v1",
    idempotent: true,
    body: (t) => ({ service_id: t.serviceId, link: "https://instagram.com/p/v1", quantity: 100 }),
  },
  "GET /api/v1/orders": { owner: "user", api: "v1", query: ["status", "search", ...PAGE] },
  "GET /api/v1/orders/:id": { owner: "user", api: "v1", params: (t) => ({ id: t.p1.order.uuid }) },
  "GET /api/v1/balance": { owner: "user", api: "v1" },

  // ---- the standard protocol: the platform's, and site B's on its own host ----
  "POST /api/v2": {
    extra: () => [
      { action: "add", service: "99999999999999999999" },
      { action: "add", quantity: "1e308" },
      { action: "add", link: "" },
      { action: "add", runs: "-1", interval: "x" },
      { action: "status", orders: "1,,,2,a,99999999999999999999,%00" },
      { action: "status", orders: Array.from({ length: 101 }, (_, i) => i + 1).join(",") },
      { action: "status", order: "-1" },
      { action: "refill", order: "0" },
      { action: "refill", orders: "a,b" },
      { action: "refill_status", refills: "1,x" },
      { action: "cancel", orders: "\u0000" },
      { action: "__proto__" },
      { action: "constructor" },
      { action: "services", key: `sk_${"x".repeat(5000)}` },
    ],
    owner: "user",
    api: "v2",
    body: (t) => ({
      key: "",
      action: "status",
      service: String(t.serviceId),
      link: "https://x.test",
      quantity: "100",
      order: String(t.p1.order.id),
      orders: `${t.p1.order.id},${t.p2.order.id}`,
      refill: "1",
      refills: "1",
      runs: "2",
      interval: "5",
    }),
  },
  "GET /api/v2": { owner: "user", api: "v2", query: ["action", "order", "orders", "service", "quantity", "refill", "refills"] },
  "POST /api/v2/": {
    extra: () => [
      { action: "add", service: "99999999999999999999" },
      { action: "status", orders: "1,,a,99999999999999999999" },
      { action: "cancel", orders: "-1" },
      { action: "toString" },
    ],
    owner: "user",
    api: "v2",
    host: (t) => t.B.host,
    body: (t) => ({
      key: "",
      action: "add",
      service: String(t.serviceId),
      link: "https://x.test",
      quantity: "100",
      order: String(t.B.order.id),
      orders: `${t.B.order.id},${t.A.order.id}`,
    }),
  },
  "GET /api/v2/": { owner: "user", api: "v2", host: (t) => t.B.host, query: ["action", "order", "orders", "service", "quantity"] },

  // ---- referrals ----
  "GET /api/referrals/stats": { owner: "user" },
  "GET /api/referrals/list": { owner: "user", query: ["level", ...PAGE] },
  "GET /api/referrals/commissions": { owner: "user", query: ["level", "status", ...PAGE] },
  "GET /api/referrals/link": { owner: "user" },
  "GET /api/admin/referrals/flags": { owner: "admin", query: ["status", ...PAGE] },
  "POST /api/admin/referrals/flags/:id/approve": { baseRefused: "no flagged referral with that id", owner: "admin", params: () => ({ id: "987654" }) },
  "POST /api/admin/referrals/flags/:id/reject": { baseRefused: "no flagged referral with that id", owner: "admin", params: () => ({ id: "987654" }) },

  // ---- tickets ----
  "POST /api/tickets": {
    extra: (t) => [
      { order_uuid: "00000000-0000-0000-0000-000000000000" },
      { order_uuid: t.p2.order.uuid },
      { order_uuid: t.A.order.uuid },
      { category: "__proto__" },
      { message: "\u0000" },
    ],
    owner: "user",
    body: (t) => ({ subject: "Aide", message: "Bonjour", category: "order", priority: "high", order_uuid: t.p1.order.uuid }),
  },
  "GET /api/tickets": { owner: "user", query: ["status", ...PAGE] },
  "GET /api/tickets/:uuid": { owner: "user", params: (t) => ({ uuid: t.p1.ticket }) },
  "POST /api/tickets/:uuid/reply": { owner: "user", params: (t) => ({ uuid: t.p1.ticket }), body: { message: "Encore moi" } },
  "POST /api/tickets/:uuid/close": { owner: "user", params: (_t, v) => ({ uuid: v.ticket }), body: {} },
  "GET /api/admin/support/tickets": { owner: "admin", query: ["status", "priority", "category", "assigned_to", "user_id", "search", ...PAGE] },
  "GET /api/admin/support/tickets/:uuid": { owner: "admin", params: (t) => ({ uuid: t.p1.ticket }) },
  "POST /api/admin/support/tickets/:uuid/assign": {
    extra: (t) => [{ admin_id: t.p1.user.id }, { admin_id: t.A.owner.user.id }, { admin_id: 99999999 }],
    owner: "admin",
    params: (t) => ({ uuid: t.p1.ticket }),
    body: (t) => ({ admin_id: t.admin.user.id }),
  },
  "POST /api/admin/support/tickets/:uuid/reply": { owner: "admin", params: (t) => ({ uuid: t.p1.ticket }), body: { message: "Réponse" } },
  "POST /api/admin/support/tickets/:uuid/close": { owner: "admin", params: (t) => ({ uuid: t.p2.ticket }), body: {} },
  "GET /api/admin/support/saved-replies": { owner: "admin" },
  "POST /api/admin/support/saved-replies": { owner: "admin", body: { title: "Délai", body: "Votre commande démarre sous 24 h." } },
  "PUT /api/admin/support/saved-replies/:id": {
    owner: "admin",
    params: (_t, v) => ({ id: String(v.savedReplies.edit) }),
    body: { title: "Délai (24 h)", body: "Sous 24 h." },
  },
  "DELETE /api/admin/support/saved-replies/:id": { owner: "admin", params: (_t, v) => ({ id: String(v.savedReplies.remove) }) },
};
