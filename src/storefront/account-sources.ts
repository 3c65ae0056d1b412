/**
 * What other features hand to the storefront's account pages, through the `AccountData` loaders
 * passed to `storefrontRoutes`: plain values, money in micro-units, timestamps as ISO-8601 strings,
 * statuses as stored. They never carry HTML; account-view.ts turns them into the templates' views.
 */
import type { Ctx } from "../context.ts";
import type { OrderStatus } from "../db/schema.ts";
import type { Lang } from "../i18n/lang.ts";

export interface OrderSource {
  uuid: string;
  /** The order's number in this tenant (what the customer names it by); null only for rows written outside placement. */
  number: number | null;
  /** The service's name in each language, as the tenant's catalogue words it. */
  serviceName: Record<Lang, string>;
  link: string;
  quantity: number;
  /** Micro-units in the site currency. */
  charge: number;
  status: OrderStatus;
  startCount: number | null;
  remains: number | null;
  createdAt: string;
}

export interface OrderDetailSource extends OrderSource {
  serviceId: number;
  refunded: number;
  runs: number | null;
  interval: number | null;
  completedAt: string | null;
  canRefill: boolean;
  canCancel: boolean;
  /** A refill was asked for and has not ended: the refill button stays hidden meanwhile. */
  refillPending: boolean;
}

export interface AccountSummarySource {
  ordersCount: number;
  activeOrders: number;
  /** Micro-units. */
  spent: number;
  openTickets: number;
  recentOrders: OrderSource[];
}

export interface PaymentMethodSource {
  code: string;
  name: string;
  type: string;
  instructions: { fr: string | null; en: string | null };
  accountName: string | null;
  accountNumber: string | null;
  minAmount: number;
  maxAmount: number | null;
  /** Fee in basis points and fixed micro-units, bounded by min/max, for display only. */
  feeBp: number;
  feeFixed: number;
  feeMin?: number;
  feeMax?: number | null;
}

export interface DepositSource {
  uuid: string;
  method: string;
  /** What the customer declared sending (credited + fee). */
  amount: number;
  fee: number;
  /** What the balance receives once verified. */
  credited: number;
  /** The verifier's note, if any (a rejection's reason). */
  note: string | null;
  reference: string | null;
  status: "pending" | "completed" | "failed" | "canceled";
  createdAt: string;
}

export interface FundsSource {
  methods: PaymentMethodSource[];
  /** The tenant's payment gateways (automatic deposits), offered before the manual methods; code = the account's id. */
  gateways: PaymentMethodSource[];
  deposits: DepositSource[];
}

type TicketStatus = "open" | "answered" | "customer_reply" | "closed";

export interface TicketSource {
  uuid: string;
  subject: string;
  category: string;
  status: TicketStatus;
  lastReplyAt: string | null;
  createdAt: string;
}

export interface TicketDetailSource extends TicketSource {
  messages: { fromStaff: boolean; author: string; message: string; createdAt: string }[];
}

export interface ApiAccessSource {
  /** The customer's key as stored (its visible prefix only); the full key is shown once at creation. */
  key: { name: string; prefix: string; createdAt: string; lastUsedAt: string | null } | null;
  /** Set on the response that created the key, never afterwards. */
  newKey: string | null;
  /** False on a site whose plan gives its customers no API: the page says so and offers no key. */
  available?: boolean;
}

export interface Paged<T> {
  items: T[];
  page: number;
  perPage: number;
  total: number;
}

/**
 * Loaders the account pages call with the request's Ctx (tenant and user set). Every one is
 * scoped by `ctx.tenant.siteId` and `ctx.user`; a resource of someone else answers null (→ 404).
 * Features pass their implementations to `storefrontRoutes({ accountData })`; the defaults render
 * empty pages (and the tenant's payment methods for /funds).
 */
export interface AccountData {
  summary(ctx: Ctx): Promise<AccountSummarySource>;
  orders(ctx: Ctx, query: { page: number; status?: OrderStatus }): Promise<Paged<OrderSource>>;
  order(ctx: Ctx, uuid: string): Promise<OrderDetailSource | null>;
  funds(ctx: Ctx): Promise<FundsSource>;
  tickets(ctx: Ctx, query: { page: number }): Promise<Paged<TicketSource>>;
  ticket(ctx: Ctx, uuid: string): Promise<TicketDetailSource | null>;
  apiAccess(ctx: Ctx): Promise<ApiAccessSource>;
  /** How many of the signed-in user's notifications are unread (the count in the header). */
  unread(ctx: Ctx): Promise<number>;
}

/** Where the account pages' forms post; the features that own the actions mount these routes. */
export const FORM_ACTIONS = {
  newOrder: "/orders",
  deposit: "/funds",
  gatewayDeposit: "/funds/gateway",
  newTicket: "/tickets",
  ticketReply: (uuid: string) => `/tickets/${encodeURIComponent(uuid)}/reply`,
  ticketClose: (uuid: string) => `/tickets/${encodeURIComponent(uuid)}/close`,
  orderCancel: (uuid: string) => `/orders/${encodeURIComponent(uuid)}/cancel`,
  orderRefill: (uuid: string) => `/orders/${encodeURIComponent(uuid)}/refill`,
  apiKey: "/api-access",
  apiKeyRevoke: "/api-access/revoke",
} as const;
