import type { Generated, Selectable } from "kysely";

/** Hand-written row types for every table in migrations/. Money columns are integer micro-units. */
type Id = Generated<number>;
/** 'YYYY-MM-DD HH:MM:SS.sss' in UTC, in both dialects. */
type Timestamp = string;
type Created = { created_at: Timestamp; updated_at: Timestamp };
type Bool = number;

export interface UsersTable extends Created {
  id: Id;
  uuid: string;
  site_id: Generated<number>;
  username: string;
  email: string;
  password_hash: string;
  role: Generated<"user" | "support" | "admin">;
  balance: Generated<number>;
  referral_code: string;
  referred_by: number | null;
  is_banned: Generated<Bool>;
  ban_reason: string | null;
  language: Generated<string>;
  full_name: string | null;
  phone: string | null;
  email_verified_at: Timestamp | null;
  last_login_at: Timestamp | null;
  last_login_ip: string | null;
  /** The address the account was registered from (0019), compared with its referrers' for referral abuse. */
  registration_ip: string | null;
  deleted_at: Timestamp | null;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  site_id: number;
  expires_at: Timestamp;
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp | null;
  /** A one-time message for the next page of this session (JSON, src/auth/flash.ts); read once, then cleared (0023). */
  flash: string | null;
}

export interface ContentPagesTable {
  id: Generated<number>;
  site_id: number;
  slug: "faq" | "terms" | "contact";
  body_fr: string | null;
  body_en: string | null;
  created_at: string;
  updated_at: string;
}

export interface SavedRepliesTable {
  id: Generated<number>;
  site_id: number;
  title: string;
  body: string;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

/** A link that proves an address: `verify` (the account's own address) or `change` (a new one, set when the link is used). */
export interface EmailTokensTable {
  id: string;
  user_id: number;
  site_id: number;
  purpose: "verify" | "change";
  email: string;
  expires_at: Timestamp;
  created_at: Timestamp;
}

export interface PasswordResetTokensTable {
  id: string;
  user_id: number;
  site_id: number;
  expires_at: Timestamp;
  created_at: Timestamp;
}

/** Two-factor sign-in (migration 0017): `secret` is sealed by src/lib/secret-box.ts; null `enabled_at` is an enrolment not yet confirmed. */
export interface UserTwoFactorTable extends Created {
  id: Id;
  user_id: number;
  site_id: number;
  secret: string;
  enabled_at: Timestamp | null;
  last_used_step: number | null;
}

export interface TwoFactorRecoveryCodesTable {
  id: Id;
  user_id: number;
  site_id: number;
  /** SHA-256 hex of the normalised code. */
  code_hash: string;
  used_at: Timestamp | null;
  created_at: Timestamp;
}

export interface TwoFactorChallengesTable {
  /** SHA-256 hex of the token the client holds. */
  id: string;
  user_id: number;
  site_id: number;
  expires_at: Timestamp;
  created_at: Timestamp;
}

export interface ReferralRelationshipsTable extends Created {
  id: Id;
  user_id: number;
  referrer_id: number;
  level: number;
}

export interface ReferralCommissionsTable extends Created {
  id: Id;
  referrer_id: number;
  referred_user_id: number;
  order_id: number;
  level: number;
  rate_bp: number;
  amount: number;
  /**
   * pending: waits until available_at, then referrals:release-commissions credits it (0019);
   * awaiting_approval: its referred account is flagged, an admin decides; cancelled: refunded or rejected before payment;
   * reversal_pending: a clawback the referrer's balance could not cover yet; retried by smm:sync-orders (0008).
   */
  status: Generated<CommissionStatus>;
  /** When a pending commission may be paid (0019); null for commissions credited before holds existed. */
  available_at: Timestamp | null;
  /** The part of `amount` a refund cancelled before it was paid (0019): a release credits amount − cancelled_amount. */
  cancelled_amount: Generated<number>;
  transaction_id: number | null;
  reversal_transaction_id: number | null;
  /** How much of `amount` was already clawed back (0008). */
  reversed_amount: Generated<number>;
}

export type CommissionStatus = "pending" | "awaiting_approval" | "credited" | "reversed" | "reversal_pending" | "cancelled";

/** A referred account that shares an address with one of its referrers (0019): its commissions wait for an admin. */
export interface ReferralFlagsTable extends Created {
  id: Id;
  site_id: Generated<number>;
  user_id: number;
  referrer_id: number;
  reason: "registration_address" | "login_address";
  ip: string;
  status: Generated<"flagged" | "approved" | "rejected">;
  reviewed_by: number | null;
  reviewed_at: Timestamp | null;
}

export interface PlatformSettingsTable extends Created {
  key: string;
  value: string;
  type: Generated<string>;
  group: Generated<string>;
  description: string | null;
}

export interface ApiKeysTable extends Created {
  id: Id;
  uuid: string;
  site_id: Generated<number>;
  user_id: number;
  name: string;
  key_hash: string;
  prefix: string;
  permissions: string;
  rate_limit_per_minute: Generated<number>;
  ip_whitelist: string | null;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  last_used_ip: string | null;
  revoked_at: Timestamp | null;
}

export interface ApiLogsTable {
  id: Id;
  api_key_id: number;
  method: string;
  path: string;
  status: number;
  ip: string | null;
  duration_ms: Generated<number>;
  created_at: Timestamp;
}

export interface AuditLogsTable {
  id: Id;
  actor_id: number | null;
  site_id: Generated<number>;
  action: string;
  target_type: string | null;
  target_id: string | null;
  data: string | null;
  ip: string | null;
  created_at: Timestamp;
}

export interface IdempotencyKeysTable {
  id: Id;
  scope: string;
  key: string;
  request_hash: string;
  /** in_flight → committed (its work's first transaction committed, answer not yet kept) → done (answer kept). */
  status: Generated<"in_flight" | "committed" | "done">;
  response_status: number | null;
  response_body: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface JobLocksTable {
  name: string;
  owner: string;
  locked_until: Timestamp;
}

export interface ApiProvidersTable extends Created {
  id: Id;
  name: string;
  url: string;
  api_key: string;
  currency: Generated<string>;
  exchange_rate: Generated<number>;
  is_active: Generated<Bool>;
  balance: number | null;
  last_sync_at: Timestamp | null;
  /** "env" (SMM_API_URL) or "simulated" for the providers the platform manages itself; null for admin-made ones. */
  code: string | null;
  last_error: string | null;
  /** The currency of the last `balance` answer (upper case), when the panel said; another than `currency` stops selling. */
  balance_currency: string | null;
  balance_checked_at: Timestamp | null;
  /** Provider currency, micro-units; null = the platform-wide setting. */
  low_balance_threshold: number | null;
  /** Below the threshold at the last read: admins were told once for this crossing. */
  balance_low: Generated<Bool>;
  last_error_at: Timestamp | null;
  /** Set while the panel is known not to answer batched `status` (`orders=`): one call per order. */
  status_single_since: Timestamp | null;
}

export interface CategoriesTable extends Created {
  id: Id;
  /** As imported (the provider's name, usually English) or seeded. */
  name: string;
  /** The name shown in French / English; null shows `name` (src/catalog/category-names.ts). */
  name_fr: string | null;
  name_en: string | null;
  slug: string;
  platform: Generated<string>;
  description: string | null;
  icon: string | null;
  sort_order: Generated<number>;
  is_active: Generated<Bool>;
}

export interface ServicesTable extends Created {
  id: Id;
  provider_id: number;
  provider_service_id: string;
  category_id: number;
  name: string;
  description: string | null;
  type: Generated<string>;
  provider_rate: number;
  base_rate: number;
  rate: number;
  margin_bp: number | null;
  min: Generated<number>;
  max: Generated<number>;
  refill: Generated<Bool>;
  refill_days: Generated<number>;
  cancel: Generated<Bool>;
  dripfeed: Generated<Bool>;
  is_active: Generated<Bool>;
  provider_removed_at: Timestamp | null;
  sort_order: Generated<number>;
  /** The provider's own name and bounds, so an admin's edits of name/min/max survive a sync. */
  provider_name: string | null;
  provider_min: number | null;
  provider_max: number | null;
  /** The name and description in French / English where an admin wrote them; null shows name / description. */
  name_fr: string | null;
  name_en: string | null;
  description_fr: string | null;
  description_en: string | null;
}

/** A catalogue sync an admin started: its progress while it runs, its report (JSON) once done. */
export interface CatalogSyncRunsTable extends Created {
  id: Id;
  uuid: string;
  provider_id: number | null;
  started_by: number | null;
  status: "running" | "completed" | "failed";
  step: string | null;
  total: Generated<number>;
  done: Generated<number>;
  report: string | null;
  error: string | null;
  finished_at: Timestamp | null;
}

export interface ServicePricesOverrideTable extends Created {
  id: Id;
  user_id: number;
  service_id: number;
  rate: number;
}

export type OrderStatus = "pending" | "processing" | "in_progress" | "completed" | "partial" | "canceled" | "refunded" | "failed";
/** delegated: a storefront customer's order, never sent itself; its platform order (parent_order_id) is. */
export type DispatchState = "queued" | "sending" | "sent" | "failed" | "unknown" | "delegated";

export interface OrdersTable extends Created {
  id: Id;
  uuid: string;
  site_id: Generated<number>;
  /** The order's number in its tenant (1, 2, 3… per site_id), what pages, APIs and tickets show (0023); null only for rows written outside placement. */
  number: number | null;
  user_id: number;
  service_id: number;
  provider_id: number;
  link: Generated<string>;
  quantity: number;
  params: string | null;
  rate: number;
  charge: number;
  provider_cost: Generated<number>;
  refunded: Generated<number>;
  currency: string;
  status: Generated<OrderStatus>;
  start_count: number | null;
  remains: number | null;
  runs: number | null;
  interval: number | null;
  provider_order_id: string | null;
  dispatch_state: Generated<DispatchState>;
  dispatch_attempts: Generated<number>;
  next_attempt_at: Timestamp | null;
  last_error: string | null;
  source: Generated<string>;
  api_key_id: number | null;
  parent_order_id: number | null;
  last_status_sync_at: Timestamp | null;
  completed_at: Timestamp | null;
  /** Since when the order waits for its provider to accept orders again (funds, key, limits, maintenance); refunded past provider_hold_hours (0009). */
  held_since: Timestamp | null;
}

/** A per-tenant counter (0023): `orders` numbers each tenant's orders. */
export interface TenantCountersTable {
  site_id: number;
  name: string;
  value: Generated<number>;
}

export interface RefillsTable extends Created {
  id: Id;
  uuid: string;
  order_id: number;
  provider_refill_id: string | null;
  status: Generated<string>;
  /** The order's id while the refill is open, null once it ended: unique, so one open refill per order (0008). */
  open_order_id: number | null;
  last_error: string | null;
}

/** A provider refusing every order for a reason about itself; one open per provider (0009). */
export interface ProviderIncidentsTable extends Created {
  id: Id;
  provider_id: number;
  /** The provider's id while open, NULL once closed: unique, so one open incident per provider. */
  open_provider_id: number | null;
  cause: string;
  message: string;
  /** The provider's balance read when the incident opened (its currency, micro-units), if it answered. */
  provider_balance: number | null;
  provider_currency: string | null;
  opened_at: Timestamp;
  closed_at: Timestamp | null;
}

export interface ProviderLogsTable {
  id: Id;
  provider_id: number;
  order_id: number | null;
  action: string;
  request: string;
  response: string | null;
  http_status: number | null;
  duration_ms: Generated<number>;
  error: string | null;
  created_at: Timestamp;
}

export interface PaymentMethodsTable extends Created {
  id: Id;
  site_id: Generated<number>;
  code: string;
  name: string;
  type: Generated<string>;
  instructions_fr: string | null;
  instructions_en: string | null;
  account_name: string | null;
  account_number: string | null;
  currency: Generated<string>;
  min_amount: Generated<number>;
  max_amount: number | null;
  is_active: Generated<Bool>;
  sort_order: Generated<number>;
  config: string | null;
}

export interface FeeStructuresTable extends Created {
  id: Id;
  payment_method_id: number | null;
  name: string;
  percent_bp: Generated<number>;
  fixed_amount: Generated<number>;
  min_amount: Generated<number>;
  max_amount: number | null;
  is_active: Generated<Bool>;
}

export type TransactionType =
  | "deposit"
  | "order"
  | "refund"
  | "referral_commission"
  | "referral_reversal"
  | "adjustment"
  | "white_label_purchase"
  | "subscription"
  | "bonus";
export type TransactionStatus = "pending" | "completed" | "failed" | "canceled";

export interface TransactionsTable extends Created {
  id: Id;
  uuid: string;
  site_id: Generated<number>;
  user_id: number;
  type: TransactionType;
  amount: number;
  fee: Generated<number>;
  balance_after: number | null;
  status: TransactionStatus;
  description: string | null;
  reference: string | null;
  payment_method_id: number | null;
  order_id: number | null;
  meta: string | null;
  verified_by: number | null;
  verified_at: Timestamp | null;
  /** "<payment_method_id>:<REFERENCE>" while a deposit is pending or completed; unique (0006). */
  deposit_claim: Generated<string | null>;
}

export type GatewayKind = "cinetpay" | "fedapay";
/** "live"/"test": the gateway's own production or sandbox; "simulated": the loopback gateway of src/gateway-sim (development and tests). */
type GatewayMode = "live" | "test" | "simulated";
/** refunded/charged_back: the gateway took the money back after it was credited (0047). */
type GatewayPaymentStatus = "pending" | "succeeded" | "failed" | "expired" | "refunded" | "charged_back";

/** A tenant's account at a payment gateway (0045); `credentials` is JSON sealed by src/lib/secret-box.ts. */
export interface GatewayAccountsTable extends Created {
  id: Id;
  site_id: Generated<number>;
  code: string;
  kind: GatewayKind;
  name: string;
  mode: Generated<GatewayMode>;
  api_base: string | null;
  credentials: string;
  currency: string;
  fee_percent_bp: Generated<number>;
  fee_fixed: Generated<number>;
  min_amount: Generated<number>;
  max_amount: number | null;
  is_active: Generated<Bool>;
  sort_order: Generated<number>;
}

/** One payment started at a gateway; credited at most once (`transaction_id` unique, 0045). */
export interface GatewayPaymentsTable extends Created {
  id: Id;
  uuid: string;
  site_id: Generated<number>;
  user_id: number;
  gateway_account_id: number;
  provider_ref: string | null;
  amount: number;
  currency: string;
  status: Generated<GatewayPaymentStatus>;
  confirmed_amount: number | null;
  confirmed_currency: string | null;
  fee: number | null;
  failure_reason: string | null;
  checkout_url: string | null;
  transaction_id: number | null;
  expires_at: Timestamp;
  last_checked_at: Timestamp | null;
  settled_at: Timestamp | null;
  refunded_at: Timestamp | null;
  /** The gateway's words when it refunded or charged back a credited payment (0047). */
  reversal_detail: string | null;
  /** The ledger row that took the money back from the customer's balance, when it covered it. */
  reversal_transaction_id: number | null;
  /** What could not be taken back (the balance was already spent): for the admins to recover. */
  reversal_shortfall: number | null;
}

/** Every notification a gateway sent, as received (secrets redacted), and what was done with it. */
export interface GatewayNotificationsTable {
  id: Id;
  site_id: Generated<number>;
  gateway_payment_id: number | null;
  kind: string;
  transaction_ref: string | null;
  headers: string | null;
  body: string | null;
  signature_ok: Generated<Bool>;
  outcome: string;
  received_at: Timestamp;
}

export interface InvoicesTable extends Created {
  id: Id;
  uuid: string;
  number: string;
  user_id: number;
  transaction_id: number | null;
  subscription_id: number | null;
  amount: number;
  currency: string;
  status: Generated<string>;
  issued_at: Timestamp;
  data: string | null;
}

export interface BonusesTable extends Created {
  id: Id;
  code: string;
  name: string;
  type: Generated<"percent" | "fixed">;
  value: number;
  min_deposit: Generated<number>;
  max_uses: number | null;
  uses: Generated<number>;
  starts_at: Timestamp | null;
  ends_at: Timestamp | null;
  is_active: Generated<Bool>;
}

export interface UserBonusesTable extends Created {
  id: Id;
  user_id: number;
  bonus_id: number;
  transaction_id: number | null;
  amount: number;
}

export interface UserStatisticsTable extends Created {
  id: Id;
  user_id: number;
  date: string;
  orders_count: Generated<number>;
  spent: Generated<number>;
  deposited: Generated<number>;
}

export interface PlatformStatisticsTable extends Created {
  id: Id;
  date: string;
  new_users: Generated<number>;
  orders_count: Generated<number>;
  revenue: Generated<number>;
  cost: Generated<number>;
  profit: Generated<number>;
  deposits: Generated<number>;
  refunds: Generated<number>;
}

export interface WhiteLabelTemplatesTable extends Created {
  id: Id;
  slug: string;
  name: string;
  description: string | null;
  preview_image: string | null;
  is_active: Generated<Bool>;
  sort_order: Generated<number>;
}

export interface WhiteLabelPlansTable extends Created {
  id: Id;
  slug: string;
  name: string;
  description: string | null;
  price_monthly: number;
  price_yearly: number;
  max_customers: number | null;
  allows_custom_domain: Generated<Bool>;
  /** Whether the site's customers may use API keys (/api/v1, /api/v2 on the site host). */
  customer_api: Generated<Bool>;
  features: string | null;
  is_active: Generated<Bool>;
  sort_order: Generated<number>;
}

export type SiteStatus = "active" | "grace" | "suspended" | "disabled";

export interface WhiteLabelSitesTable extends Created {
  id: Id;
  uuid: string;
  owner_id: number;
  plan_id: number;
  template_id: number;
  name: string;
  slug: string;
  custom_domain: string | null;
  domain_token: string | null;
  domain_verified_at: Timestamp | null;
  /** When the site set its custom domain: an unverified claim holds it against other sites for a while. */
  domain_claimed_at: Timestamp | null;
  branding: string | null;
  logo_path: string | null;
  default_margin_bp: Generated<number>;
  language: Generated<string>;
  currency: Generated<string>;
  /** The owner's own rate: what one unit of `currency` is worth in the platform currency, × 1,000,000; null follows the platform's. */
  currency_rate: number | null;
  status: Generated<SiteStatus>;
  expires_at: Timestamp | null;
  content_version: Generated<number>;
  /** When its owner deleted it: disabled for good, customers anonymised, ledger kept. */
  deleted_at: Generated<Timestamp | null>;
}

export interface SitePriceRulesTable extends Created {
  id: Id;
  site_id: number;
  scope: "category" | "service";
  target_id: number;
  margin_bp: number | null;
  fixed_rate: number | null;
  hidden: Generated<Bool>;
}

/** A service in a site's own words; a null text shows the platform's (migration 0040). */
export interface SiteServiceTextsTable extends Created {
  id: Id;
  site_id: number;
  service_id: number;
  name_fr: string | null;
  name_en: string | null;
  description_fr: string | null;
  description_en: string | null;
}

/** A category on a site: its words (null shows the platform's), its place (null: after the placed ones, in the platform's order) and featured mark. */
export interface SiteCategoriesTable extends Created {
  id: Id;
  site_id: number;
  category_id: number;
  name_fr: string | null;
  name_en: string | null;
  description_fr: string | null;
  description_en: string | null;
  position: number | null;
  featured: Generated<Bool>;
}

/** A platform (categories.platform: instagram, tiktok…) a site does not sell. */
export interface SiteHiddenPlatformsTable extends Created {
  id: Id;
  site_id: number;
  platform: string;
}

export interface SiteOrdersTable extends Created {
  id: Id;
  site_id: number;
  customer_order_id: number;
  platform_order_id: number;
  /** What the customer was charged, in `currency`. */
  site_price: number;
  /** What the reseller was charged, in the platform currency. */
  reseller_cost: number;
  /** `site_price − site_cost` (in `currency`); before migration 0043, `site_price − reseller_cost`. */
  profit: number;
  /** The site's currency and the rate the order was placed at (null: placed before 0043, in the platform currency). */
  currency: string | null;
  currency_rate: number | null;
  /** The reseller's cost converted to `currency` at `currency_rate`, rounded up to a micro-unit. */
  site_cost: number | null;
}

export interface SubscriptionsTable extends Created {
  id: Id;
  uuid: string;
  user_id: number;
  site_id: number;
  plan_id: number;
  billing_cycle: "monthly" | "yearly";
  price: number;
  status: "active" | "grace" | "suspended" | "canceled";
  current_period_start: Timestamp;
  current_period_end: Timestamp;
  grace_until: Timestamp | null;
  reminded_at: Timestamp | null;
  canceled_at: Timestamp | null;
  /** Last renewal charge attempt (failed renewals retry daily). */
  last_attempt_at: Timestamp | null;
  /** The owner asked to stop at the period end: no renewal charge, the site expires then. */
  cancel_requested_at: Generated<Timestamp | null>;
  /** A downgrade waiting for the period end: the renewal charges and applies this plan and cycle. */
  pending_plan_id: Generated<number | null>;
  pending_billing_cycle: Generated<"monthly" | "yearly" | null>;
}

export interface TicketsTable extends Created {
  id: Id;
  uuid: string;
  site_id: Generated<number>;
  user_id: number;
  subject: string;
  category: Generated<string>;
  priority: Generated<string>;
  status: Generated<"open" | "answered" | "customer_reply" | "closed">;
  order_id: number | null;
  assigned_to: number | null;
  last_reply_at: Timestamp | null;
  closed_at: Timestamp | null;
}

export interface TicketMessagesTable extends Created {
  id: Id;
  ticket_id: number;
  user_id: number;
  is_staff: Generated<Bool>;
  message: string;
}

export interface NotificationsTable extends Created {
  id: Id;
  user_id: number;
  type: string;
  title: string;
  body: string | null;
  data: string | null;
  read_at: Timestamp | null;
  /** The open group this notification counts (src/notifications/grouped.ts); null once closed or for a single notice. */
  group_key: string | null;
  group_count: Generated<number>;
  /** The sum of the grouped events' amounts, micro-units. */
  group_total: Generated<number>;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  password_reset_tokens: PasswordResetTokensTable;
  saved_replies: SavedRepliesTable;
  content_pages: ContentPagesTable;
  catalog_sync_runs: CatalogSyncRunsTable;
  user_two_factor: UserTwoFactorTable;
  two_factor_recovery_codes: TwoFactorRecoveryCodesTable;
  two_factor_challenges: TwoFactorChallengesTable;
  email_tokens: EmailTokensTable;
  referral_relationships: ReferralRelationshipsTable;
  referral_commissions: ReferralCommissionsTable;
  referral_flags: ReferralFlagsTable;
  platform_settings: PlatformSettingsTable;
  api_keys: ApiKeysTable;
  api_logs: ApiLogsTable;
  audit_logs: AuditLogsTable;
  idempotency_keys: IdempotencyKeysTable;
  job_locks: JobLocksTable;
  api_providers: ApiProvidersTable;
  categories: CategoriesTable;
  services: ServicesTable;
  service_prices_override: ServicePricesOverrideTable;
  orders: OrdersTable;
  tenant_counters: TenantCountersTable;
  refills: RefillsTable;
  provider_logs: ProviderLogsTable;
  provider_incidents: ProviderIncidentsTable;
  payment_methods: PaymentMethodsTable;
  fee_structures: FeeStructuresTable;
  transactions: TransactionsTable;
  gateway_accounts: GatewayAccountsTable;
  gateway_payments: GatewayPaymentsTable;
  gateway_notifications: GatewayNotificationsTable;
  invoices: InvoicesTable;
  bonuses: BonusesTable;
  user_bonuses: UserBonusesTable;
  user_statistics: UserStatisticsTable;
  platform_statistics: PlatformStatisticsTable;
  white_label_templates: WhiteLabelTemplatesTable;
  white_label_plans: WhiteLabelPlansTable;
  white_label_sites: WhiteLabelSitesTable;
  site_price_rules: SitePriceRulesTable;
  site_orders: SiteOrdersTable;
  site_service_texts: SiteServiceTextsTable;
  site_categories: SiteCategoriesTable;
  site_hidden_platforms: SiteHiddenPlatformsTable;
  subscriptions: SubscriptionsTable;
  tickets: TicketsTable;
  ticket_messages: TicketMessagesTable;
  notifications: NotificationsTable;
}

export type User = Selectable<UsersTable>;
export type Order = Selectable<OrdersTable>;
export type Service = Selectable<ServicesTable>;
export type Site = Selectable<WhiteLabelSitesTable>;
/** A session as the request carries it; its one-time flash is read only through src/auth/flash.ts. */
export type Session = Omit<Selectable<SessionsTable>, "flash">;
export type ApiKey = Selectable<ApiKeysTable>;
export type Transaction = Selectable<TransactionsTable>;
