import type { ConfirmStepView } from "./confirm-step.ts";
/**
 * What storefront templates receive: `*View` types and page data, strings already formatted for
 * the page language and the site currency. Templates never get a database handle and never format
 * money. What other features hand to the storefront (`*Source`) is in account-sources.ts.
 */
import type { BrandingSettings } from "./themes.ts";
import type { Lang } from "../i18n/lang.ts";
import type { OrderFormField } from "../providers/service-types.ts";
export type Translate = (key: string, vars?: Record<string, string | number>) => string;

export type PageId =
  | "home"
  | "catalogue"
  | "service"
  | "login"
  | "login-two-factor"
  | "register"
  | "password-forgot"
  | "password-reset"
  | "account"
  | "account-password"
  | "order-new"
  | "orders"
  | "order"
  | "funds"
  | "funds-gateway"
  | "funds-payment"
  | "tickets"
  | "ticket-new"
  | "ticket"
  | "api-access"
  | "account-settings"
  | "notifications"
  | "api-docs"
  | "referrals"
  | "content-page"
  | "mass-order"
  | "email-verify"
  | "not-found"
  | "unavailable"
  | "error";

/**
 * Pages only the platform renders (templates in themes/platform, routes passed by their feature through
 * `storefrontRoutes({ pages })`): not in PAGE_IDS, the pages every theme must render.
 */
export type PlatformPageId =
  | "white-label"
  | "white-label-sites"
  | "white-label-site"
  | "white-label-storefront"
  | "white-label-site-methods"
  | "white-label-site-tickets"
  | "white-label-site-ticket"
  | "white-label-site-customers"
  | "white-label-site-customer"
  | "white-label-site-pricing"
  | "white-label-site-pricing-preview"
  | "white-label-site-figures"
  | "white-label-site-orders"
  | "white-label-site-gateways"
  | "white-label-site-gateway-payments"
  | "white-label-site-gateway-payment"
  | "white-label-site-subscription"
  | "white-label-site-invoice"
  | "white-label-site-catalogue"
  | "white-label-site-catalogue-texts"
  | "admin-dashboard"
  | "admin-support"
  | "admin-services"
  | "admin-service"
  | "admin-services-bulk"
  | "admin-categories"
  | "admin-providers"
  | "admin-provider"
  | "admin-sync-run"
  | "admin-ticket"
  | "admin-saved-replies"
  | "admin-orders"
  | "admin-order"
  | "admin-order-confirm"
  | "admin-deposits"
  | "admin-deposit"
  | "admin-payment-methods"
  | "admin-payment-method"
  | "admin-users"
  | "admin-user"
  | "admin-confirm-step"
  | "admin-wl-sites"
  | "admin-wl-site"
  | "admin-wl-plans"
  | "admin-wl-plan"
  | "admin-wl-template"
  | "admin-wl-confirm"
  | "admin-wl-subscriptions"
  | "admin-wl-invoices"
  | "admin-wl-invoice"
  | "admin-settings"
  | "admin-audit"
  | "admin-exports"
  | "admin-gateway-payments"
  | "admin-gateway-payment";
export type AnyPageId = PageId | PlatformPageId;

export const PAGE_IDS: readonly PageId[] = [
  "home",
  "catalogue",
  "service",
  "login",
  "login-two-factor",
  "register",
  "password-forgot",
  "password-reset",
  "account",
  "account-password",
  "order-new",
  "orders",
  "order",
  "funds",
  "funds-gateway",
  "funds-payment",
  "tickets",
  "ticket-new",
  "ticket",
  "api-access",
  "account-settings",
  "notifications",
  "api-docs",
  "referrals",
  "content-page",
  "mass-order",
  "email-verify",
  "not-found",
  "unavailable",
  "error",
];

// ---- Layout-level view ------------------------------------------------------------------------

export interface SiteView {
  kind: "platform" | "site";
  name: string;
  tagline: string;
  /** Same-origin URL of the uploaded logo, or null (the name is shown instead). */
  logoUrl: string | null;
  faviconUrl: string;
  /** The home-screen icon for iOS (`apple-touch-icon`), versioned by the branding it is drawn from. */
  touchIconUrl: string;
  /** Public base URL from the stored domain (never the request Host). */
  baseUrl: string;
  /** The tenant's standard SMM API endpoint: `${baseUrl}/api/v2`. */
  apiUrl: string;
  defaultLanguage: Lang;
  currency: string;
  theme: string;
  /** The theme settings after validation (colours are #rrggbb, URLs http(s), lengths bounded). */
  settings: BrandingSettings;
  heroTitle: string;
  heroSubtitle: string;
  /** The tenant's active payment methods as one phrase ("Orange Money, Wave ou Virement"); empty when it has none. */
  paymentMethods: string;
  announcement: string;
  footerText: string;
  contact: { whatsapp: string | null; telegram: string | null; email: string | null; any: boolean };
  social: { id: string; label: string; url: string }[];
}

interface UserView {
  username: string;
  email: string;
  /** Formatted by Intl with the site currency, e.g. "12 500 F CFA". */
  balance: string;
  initial: string;
  /** Platform staff: the header links to the admin console. */
  console: boolean;
  /** Unread notifications, shown on the header's bell. */
  unread: number;
  /** False until the address is confirmed: account pages offer to send the link again. */
  emailVerified: boolean;
}

export interface LinkView {
  href: string;
  label: string;
  active: boolean;
}

interface LangOption {
  code: Lang;
  label: string;
  href: string;
  active: boolean;
}

export interface FlashView {
  kind: "success" | "error" | "info";
  message: string;
}

export interface PageView<D = unknown> {
  site: SiteView;
  lang: Lang;
  t: Translate;
  page: { id: AnyPageId; title: string; heading: string; path: string; canonical: string; noindex: boolean; status: number };
  nav: LinkView[];
  accountNav: LinkView[];
  user: UserView | null;
  /** The CSRF token every POST form carries as `_csrf`; null on pages without forms. */
  csrf: string | null;
  langs: LangOption[];
  /** Same-origin asset URLs with a content hash: stylesheets, the site script, page scripts. */
  assets: { styles: string[]; site: string; scripts: string[] };
  /** The generated `:root{--…}` block from validated colours only. */
  brandCss: string;
  bodyClass: string;
  flash: FlashView | null;
  year: number;
  /** A read-only theme preview (the platform's demo storefront, or a site's branding in another theme); null on a live page. */
  preview: PreviewView | null;
  /** The site owner's bar, on a site's pages in the owner's browser only (never cached); null for everyone else. */
  owner: OwnerBarView | null;
  /** A storefront path as this page links it: itself on a live page; in a preview, the preview's own page or its way out. */
  href: (path: string) => string;
  data: D;
}

/** The owner's bar on the site itself: whether the site can take a deposit yet, and the way back to its platform pages. */
export interface OwnerBarView {
  takesDeposits: boolean;
  /** The site's management page on the platform. */
  manageHref: string;
  /** Its payment methods page on the platform. */
  methodsHref: string;
  /** Hides the bar in this browser. */
  exitHref: string;
}

/**
 * What a preview page shows in its banner and where its links go: home and catalogue stay in the
 * preview, anything else (sign-in, order, funds…) leads to `exit`. Nothing on it signs in or orders.
 */
export interface PreviewView {
  kind: "demo" | "site";
  themeName: string;
  home: string;
  catalogue: string;
  /** The purchase page (demo) or the site's storefront page (site preview). */
  exit: string;
  /** A site preview of another theme: the existing theme switch, posted with its CSRF token. */
  switchTo: { action: string; templateId: string; csrf: string } | null;
  /** A site preview of the theme the site already uses. */
  current: boolean;
}

// ---- Catalogue ------------------------------------------------------------------------------

export interface CategoryView {
  slug: string;
  name: string;
  /** The category's description in the page's language ("" when it has none). */
  description: string;
  /** The site features it: first on the home page, marked. */
  featured: boolean;
  platform: string;
  count: number;
  href: string;
  active: boolean;
}

export interface ServiceCardView {
  id: number;
  name: string;
  description: string;
  categoryName: string;
  categorySlug: string;
  platform: string;
  type: string;
  /** "1 250,5 F CFA" per 1000 (2 decimals at most), or a package's charge. */
  price: string;
  /** formatMoney() decimal for the live-price script, e.g. "1250.5". */
  rateDecimal: string;
  perPackage: boolean;
  min: number;
  max: number;
  minLabel: string;
  maxLabel: string;
  refill: boolean;
  cancel: boolean;
  dripfeed: boolean;
  href: string;
  orderHref: string;
}

export interface PaginationView {
  page: number;
  pages: number;
  prevHref: string | null;
  nextHref: string | null;
}

export interface HomeData {
  categories: CategoryView[];
  popular: ServiceCardView[];
  stats: { services: string; categories: string; platforms: string };
}

export interface CatalogueData {
  q: string;
  category: string | null;
  categories: CategoryView[];
  groups: { category: CategoryView; services: ServiceCardView[] }[];
  total: number;
  totalLabel: string;
  pagination: PaginationView | null;
}

export interface ServiceData {
  service: ServiceCardView;
  examples: { quantity: string; price: string }[];
}

// ---- Forms ----------------------------------------------------------------------------------

export interface FormState {
  values: Record<string, string>;
  /** Field → translated messages; "_" for the form as a whole. */
  errors: Record<string, string[]>;
}

export interface LoginData extends FormState {
  next: string;
}

export interface RegisterData extends FormState {
  next: string;
  closed: boolean;
  /** Closed because the site holds as many customers as its plan allows. */
  full: boolean;
}

export interface PasswordForgotData extends FormState {
  /** The request went through: the page says a link is on its way, whoever the address belongs to. */
  sent: boolean;
}

export interface PasswordResetData extends FormState {
  token: string;
}

/** /email/verify: the link's token, posted back by the page's button (a mail scanner's GET uses nothing). */
export interface EmailVerifyData extends FormState {
  token: string;
}

// ---- Account pages: what templates read ----------------------------------------------------

export interface StatusBadgeView {
  /** A fixed token for the CSS class: badge--pending, badge--completed… */
  tone: string;
  label: string;
}

export interface OrderRowView {
  uuid: string;
  /** `#1234`: the order's number in this tenant. */
  label: string;
  href: string;
  serviceName: string;
  link: string;
  quantity: string;
  charge: string;
  status: StatusBadgeView;
  startCount: string;
  remains: string;
  createdAt: string;
}

export interface OrderDetailView extends OrderRowView {
  refunded: string | null;
  runs: string | null;
  interval: string | null;
  completedAt: string | null;
  canRefill: boolean;
  canCancel: boolean;
  refillPending: boolean;
  /** Where the refill button posts, and where the cancel button leads (its confirmation step). */
  refillAction?: string;
  cancelAction?: string;
  /** The cancel confirmation step: shown instead of the buttons, its form posts `confirm=yes`. */
  confirmCancel?: boolean;
  /** The ticket form, prefilled with this order. */
  ticketHref: string;
}

export interface AccountPageData {
  balance: string;
  ordersCount: string;
  activeOrders: string;
  spent: string;
  openTickets: string;
  recentOrders: OrderRowView[];
}

interface OrderServiceOption {
  id: number;
  label: string;
  rateDecimal: string;
  price: string;
  min: number;
  max: number;
  type: string;
  dripfeed: boolean;
  selected: boolean;
}

export interface OrderNewData extends FormState {
  action: string;
  groups: { category: string; services: OrderServiceOption[] }[];
  selected: ServiceCardView | null;
  /** Each field of the form: the service types that show it ("Default|Poll"), and whether it shows now. */
  fields: Record<OrderFormField, { types: string; hidden: boolean; optional: boolean; required: boolean; dripfeedOnly: boolean }>;
  /** The subscription delays a customer may choose, in minutes. */
  delays: { value: number; label: string }[];
  /** New posts reserved for a subscription left at 0 (unlimited). */
  unlimitedPosts: number;
  balance: string;
  currency: string;
  /** A fresh key per rendering, posted back as `idempotency_key`: a double submit places one order. */
  idempotencyKey?: string;
  /** Set once the form is valid: the price and balance after, to confirm before anything is charged. */
  confirmStep?: ConfirmStepView | null;
}

export interface OrdersData {
  orders: OrderRowView[];
  filters: LinkView[];
  pagination: PaginationView | null;
}

export interface PaymentMethodView {
  code: string;
  name: string;
  type: string;
  instructions: string;
  accountName: string | null;
  accountNumber: string | null;
  limits: string;
  fee: string | null;
  selected: boolean;
}

export interface DepositRowView {
  uuid: string;
  method: string;
  amount: string;
  fee: string;
  /** What reached the balance: the credited amount once verified, otherwise null. */
  credited: string | null;
  /** The verifier's note (why a deposit was refused), as written. */
  note: string | null;
  reference: string;
  status: StatusBadgeView;
  createdAt: string;
}

export interface FundsData extends FormState {
  action: string;
  balance: string;
  currency: string;
  methods: PaymentMethodView[];
  /** Automatic methods (payment gateways), shown first; their form posts to `gatewayAction`. */
  gateways: PaymentMethodView[];
  gatewayAction: string;
  deposits: DepositRowView[];
  /** The confirmation step of a declaration: what was sent, the fee, what will be credited once verified. */
  preview?: { method: string; amount: string; fee: string; credited: string };
  /** A fresh key per rendering, posted back as `idempotency_key`: a double submit records one deposit. */
  idempotencyKey?: string;
}

/** An automatic deposit's form and its confirmation step (src/payment-gateways/pages.ts). */
export interface FundsGatewayData extends FormState {
  action: string;
  currency: string;
  gateways: PaymentMethodView[];
  /** The confirmation step: the gateway, what will be paid, the fee, what will be credited once the gateway confirms it. */
  preview?: { gateway: string; amount: string; fee: string; credited: string };
  idempotencyKey: string;
}

/** The page that follows one gateway payment; it refreshes itself while the payment is pending. */
export interface FundsPaymentData {
  gateway: string;
  status: StatusBadgeView;
  statusText: string;
  amount: string;
  confirmedAmount: string | null;
  fee: string | null;
  credited: string | null;
  createdAt: string;
  pending: boolean;
  /** Seconds before the page reloads itself (pending only). */
  refreshSeconds: number;
  /** While pending: where the customer pays; `goNow` sends them there at once (right after confirming). */
  checkoutUrl: string | null;
  goNow: boolean;
}

export interface TicketRowView {
  uuid: string;
  href: string;
  subject: string;
  category: string;
  status: StatusBadgeView;
  lastActivity: string;
}

export interface TicketsData {
  tickets: TicketRowView[];
  pagination: PaginationView | null;
}

export interface TicketNewData extends FormState {
  action: string;
  categories: { value: string; label: string; selected: boolean }[];
}

export interface TicketData extends FormState {
  ticket: TicketRowView;
  messages: { fromStaff: boolean; author: string; message: string; createdAt: string }[];
  replyAction: string;
  closed: boolean;
  closeAction?: string;
}

export interface ApiAccessData {
  apiUrl: string;
  /** The replace-the-key step: the current key stops working, so the page asks first. */
  confirmReplace?: boolean;
  key: { name: string; prefix: string; createdAt: string; lastUsedAt: string } | null;
  newKey: string | null;
  /** The site's plan gives its customers no API: no key can be made or used. */
  unavailable: boolean;
  action: string;
  revokeAction?: string;
  actions: { name: string; params: string; description: string }[];
  example: string;
}

export interface ErrorData {
  status: number;
  title: string;
  message: string;
}

/** The account settings page: the profile form and the visitor's sessions (src/account/pages.ts). */
/** The two-factor section of the account settings page. */
export interface TwoFactorSectionView {
  state: "off" | "pending" | "on";
  /** An administrator must have it (the platform's setting). */
  required: boolean;
  enabledAt: string | null;
  recoveryCodesLeft: number;
  /** While an enrolment waits for its first code: the secret in groups of four and the otpauth:// URI. */
  secretGroups: string[];
  uri: string | null;
  /** Shown once, right after they were made. */
  recoveryCodes: string[];
  /** The two-factor form that was refused, with its values and errors. */
  form: { name: "confirm" | "regenerate" | "disable"; values: Record<string, string>; errors: Record<string, string[]> } | null;
}

export interface AccountSettingsData extends FormState {
  twoFactor: TwoFactorSectionView;
  languages: { code: string; label: string }[];
  sessions: { id: string; device: string; ip: string; createdAt: string; lastSeenAt: string; current: boolean }[];
  /** The address section (partials/account-email): its own form state, apart from the profile form's. */
  email?: EmailSettingsView;
}

export interface EmailSettingsView extends FormState {
  current: string;
  verified: boolean;
  /** A change waiting for its link: the new address and until when the link works. */
  pending: { email: string; until: string } | null;
}

export interface NotificationsData {
  unreadOnly: boolean;
  unread: number;
  items: { id: number; title: string; body: string; at: string; read: boolean; href: string | null; readAction: string }[];
  pagination: PaginationView | null;
}

export interface ApiDocsData {
  v2: string;
  v1: string | null;
  examples: { id: string; label: string; code: string }[];
  actions: { action: string; what: string; params: string; answer: string }[];
  rest: { method: string; path: string; what: string }[];
  restExample: string | null;
}

export interface ReferralsData {
  link: string;
  code: string;
  totals: { earned: string; month: string; pending: string; awaiting: string; cancelled: string; next: string | null; referrals: number };
  levels: { level: number; rate: string; referrals: number; earned: string; pending: string }[];
  referred: { username: string; level: number; joined: string }[];
  commissions: { who: string; level: number; amount: string; status: StatusBadgeView; available: string | null; at: string }[];
  pagination: PaginationView | null;
}

type InlineView = { text: string; bold?: true; href?: string };
export interface ContentPageData {
  slug: string;
  /** Markdown parsed into plain-text blocks (src/content-pages/markdown.ts): the template escapes every text. */
  blocks: ({ kind: "h2" | "h3" | "p"; parts: InlineView[] } | { kind: "ul"; items: InlineView[][] })[];
  contact: boolean;
}

export interface MassOrderData {
  text: string;
  maxLines: number;
  /** After a first post: each line priced or refused, and the total to confirm. */
  preview: { lines: { line: number; text: string; ok: boolean; message: string }[]; total: string; placeable: number } | null;
  /** After the confirmation: each line's order or refusal. */
  results: { lines: { line: number; ok: boolean; message: string; href?: string }[]; placed: number; failed: number } | null;
  errors: Record<string, string[]>;
  idempotencyKey: string;
}
