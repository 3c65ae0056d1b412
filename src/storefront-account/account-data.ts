import type { Ctx } from "../context.ts";
import { activeGatewayAccounts } from "../payment-gateways/accounts.ts";
import { requireUser } from "../context.ts";
import { NotFound } from "../core/errors.ts";
import { toIso } from "../lib/time.ts";
import { customerApiAllowed } from "../tenancy/plan-limits.ts";
import { listUserOrders, userOrder, type OrderRow } from "../orders/service.ts";
import { ACTIVE_STATUSES } from "../orders/statuses.ts";
import { customerTicket, listTickets } from "../tickets/service.ts";
import { listDepositMethods } from "../wallet/service.ts";
import type {
  AccountData,
  AccountSummarySource,
  ApiAccessSource,
  DepositSource,
  FundsSource,
  OrderDetailSource,
  OrderSource,
  Paged,
  TicketDetailSource,
  TicketSource,
} from "../storefront/account-sources.ts";
import { orderActionsOpen } from "../order-chain/actions.ts";
import { currentStorefrontKey } from "./api-access.ts";
import { inTenant } from "../tenancy/scoped.ts";
import { serviceNamesOn } from "../catalog/site-words.ts";
import { unreadCount } from "../notifications/service.ts";

/**
 * The account pages' loaders, for every tenant: the same verbs the JSON API uses (orders, wallet,
 * support, keys), each scoped by ctx.tenant and ctx.user, handed to the storefront as plain
 * sources (micro-units, ISO dates). On a site, a customer's orders are their own customer orders
 * (the platform orders behind them belong to the reseller).
 */

const PER_PAGE = 20;
const iso = (s: string | null | undefined) => toIso(s) ?? "";

type ServiceNames = Awaited<ReturnType<typeof serviceNamesOn>>;

function orderSource(o: OrderRow, names: ServiceNames): OrderSource {
  const fallback = o.service_name ?? `#${o.service_id}`;
  return {
    uuid: o.uuid,
    number: o.number,
    serviceName: names.get(o.service_id) ?? { fr: fallback, en: fallback },
    link: o.link,
    quantity: o.quantity,
    charge: Number(o.charge),
    status: o.status,
    startCount: o.start_count,
    remains: o.remains,
    createdAt: iso(o.created_at),
  };
}

/** Orders with their services named as the tenant's catalogue names them. */
async function withNames(ctx: Ctx, rows: OrderRow[]): Promise<OrderSource[]> {
  const names = await serviceNamesOn(
    ctx,
    rows.map((o) => o.service_id),
  );
  return rows.map((o) => orderSource(o, names));
}

/** null for anything that is not the caller's (the page answers 404). */
async function orNull<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof NotFound) return null;
    throw err;
  }
}

async function summary(ctx: Ctx): Promise<AccountSummarySource> {
  const user = requireUser(ctx);
  const mine = inTenant(ctx).selectFrom("orders").where("user_id", "=", user.id);
  const totals = await mine
    .select((e) => [e.fn.countAll<number>().as("n"), e.fn.sum<number>("charge").as("charged"), e.fn.sum<number>("refunded").as("refunded")])
    .executeTakeFirstOrThrow();
  const active = await mine
    .select((e) => e.fn.countAll<number>().as("n"))
    .where("status", "in", ACTIVE_STATUSES)
    .executeTakeFirstOrThrow();
  const tickets = await inTenant(ctx)
    .selectFrom("tickets")
    .select((e) => e.fn.countAll<number>().as("n"))
    .where("user_id", "=", user.id)
    .where("status", "!=", "closed")
    .executeTakeFirstOrThrow();
  const recent = await listUserOrders(ctx, { page: 1, per_page: 5 });
  return {
    ordersCount: Number(totals.n),
    activeOrders: Number(active.n),
    spent: Number(totals.charged ?? 0) - Number(totals.refunded ?? 0),
    openTickets: Number(tickets.n),
    recentOrders: await withNames(ctx, recent.rows),
  };
}

async function orders(ctx: Ctx, q: { page: number; status?: OrderSource["status"] }): Promise<Paged<OrderSource>> {
  const page = await listUserOrders(ctx, { page: q.page, per_page: PER_PAGE, status: q.status });
  return { items: await withNames(ctx, page.rows), page: page.page, perPage: page.per_page, total: page.total };
}

async function order(ctx: Ctx, uuid: string): Promise<OrderDetailSource | null> {
  const row = await orNull(() => userOrder(ctx, uuid));
  if (!row) return null;
  const open = await orderActionsOpen(ctx, row);
  return {
    ...(await withNames(ctx, [row]))[0]!,
    serviceId: row.service_id,
    refunded: Number(row.refunded),
    runs: row.runs,
    interval: row.interval,
    completedAt: toIso(row.completed_at),
    ...open,
  };
}

async function funds(ctx: Ctx): Promise<FundsSource> {
  const user = requireUser(ctx);
  const methods = await listDepositMethods(ctx);
  const gateways = await activeGatewayAccounts(ctx);
  const rows = await inTenant(ctx)
    .selectFrom("transactions")
    .leftJoin("payment_methods", "payment_methods.id", "transactions.payment_method_id")
    .select([
      "transactions.uuid",
      "transactions.amount",
      "transactions.fee",
      "transactions.reference",
      "transactions.status",
      "transactions.created_at",
      "transactions.meta",
      "transactions.description",
      "payment_methods.name as method",
    ])
    .where("transactions.user_id", "=", user.id)
    .where("transactions.type", "=", "deposit")
    .orderBy("transactions.created_at", "desc")
    .orderBy("transactions.id", "desc")
    .limit(PER_PAGE)
    .execute();
  return {
    methods: methods.map(({ method: m, fee, limits }) => ({
      code: m.code,
      name: m.name,
      type: m.type,
      instructions: { fr: m.instructions_fr, en: m.instructions_en },
      accountName: m.account_name,
      accountNumber: m.account_number,
      minAmount: limits.min,
      maxAmount: limits.max,
      feeBp: fee.percentBp,
      feeFixed: fee.fixed,
      feeMin: fee.min,
      feeMax: fee.max,
    })),
    gateways: gateways.map((g) => ({
      code: String(g.id),
      name: g.name,
      type: "gateway",
      instructions: { fr: null, en: null },
      accountName: null,
      accountNumber: null,
      minAmount: Number(g.min_amount),
      maxAmount: g.max_amount === null ? null : Number(g.max_amount),
      feeBp: Number(g.fee_percent_bp),
      feeFixed: Number(g.fee_fixed),
    })),
    // What the customer declared sending (credited amount + fee), as they typed it in the form.
    deposits: rows.map(
      (d): DepositSource => ({
        uuid: d.uuid,
        // A gateway deposit has no manual method: its description names the gateway.
        method: d.method ?? d.description ?? "—",
        amount: Number(d.amount) + Number(d.fee),
        fee: Number(d.fee),
        credited: Number(d.amount),
        note: verifierNote(d.meta),
        reference: d.reference,
        status: d.status,
        createdAt: iso(d.created_at),
      }),
    ),
  };
}

/** The note a staff member left when verifying a deposit (why it was refused), kept in its meta. */
function verifierNote(meta: string | null): string | null {
  if (!meta) return null;
  try {
    const note = (JSON.parse(meta) as { note?: unknown }).note;
    return typeof note === "string" && note.trim() !== "" ? note : null;
  } catch {
    return null;
  }
}

function ticketSource(t: {
  uuid: string;
  subject: string;
  category: string;
  status: TicketSource["status"];
  last_reply_at: string | null;
  created_at: string;
}): TicketSource {
  return { uuid: t.uuid, subject: t.subject, category: t.category, status: t.status, lastReplyAt: toIso(t.last_reply_at), createdAt: iso(t.created_at) };
}

async function tickets(ctx: Ctx, q: { page: number }): Promise<Paged<TicketSource>> {
  const page = await listTickets(ctx, { page: q.page, per_page: PER_PAGE });
  return { items: page.rows.map(ticketSource), page: page.page, perPage: page.per_page, total: page.total };
}

async function ticket(ctx: Ctx, uuid: string): Promise<TicketDetailSource | null> {
  const t = await orNull(() => customerTicket(ctx, uuid));
  if (!t) return null;
  return {
    ...ticketSource(t),
    messages: t.messages.map((m) => ({ fromStaff: Boolean(m.is_staff), author: m.username ?? "", message: m.message, createdAt: iso(m.created_at) })),
  };
}

async function apiAccess(ctx: Ctx): Promise<ApiAccessSource> {
  const key = await currentStorefrontKey(ctx);
  return {
    key: key && { name: key.name, prefix: key.prefix, createdAt: iso(key.created_at), lastUsedAt: toIso(key.last_used_at) },
    newKey: null,
    available: await customerApiAllowed(ctx),
  };
}

export const storefrontAccountData: AccountData = { summary, orders, order, funds, tickets, ticket, apiAccess, unread: unreadCount };
