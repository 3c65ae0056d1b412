import type { SelectQueryBuilder } from "kysely";
import type { Ctx } from "../context.ts";
import type { Database } from "../db/schema.ts";
import { requireUser } from "../context.ts";
import { NotFound } from "../core/errors.ts";
import { offsetOf, pageOf, type Page } from "../core/pagination.ts";
import { parseMoney, type Micro } from "../money/money.ts";
import { bookingCurrency, getSetting } from "../settings/service.ts";
import { feeRulesFor } from "./fees.ts";
import type { TransactionsQuery } from "./schema.ts";
import { methodPayable, type PaymentMethod, type TransactionRow } from "./view.ts";
import { PLATFORM_TENANT_ID, inTenant } from "../tenancy/scoped.ts";

// Money that left the wallet to buy something, net of refunds.
const SPENDING_TYPES = ["order", "refund", "white_label_purchase", "subscription"] as const;

interface WalletSummary {
  balance: Micro;
  currency: string;
  pendingDeposits: Micro;
  pendingCount: number;
  totalDeposited: Micro;
  totalSpent: Micro;
}

export async function walletSummary(ctx: Ctx): Promise<WalletSummary> {
  const user = requireUser(ctx);
  const account = await ctx.db.selectFrom("users").select("balance").where("id", "=", user.id).executeTakeFirstOrThrow();
  const sums = await inTenant(ctx)
    .selectFrom("transactions")
    .select(["type", "status", (e) => e.fn.sum<number>("amount").as("total"), (e) => e.fn.countAll<number>().as("n")])
    .where("user_id", "=", user.id)
    .where("status", "in", ["pending", "completed"])
    .groupBy(["type", "status"])
    .execute();
  const total = (pred: (r: (typeof sums)[number]) => boolean) => sums.filter(pred).reduce((s, r) => s + Number(r.total ?? 0), 0);
  return {
    balance: Number(account.balance),
    currency: await bookingCurrency(ctx),
    pendingDeposits: total((r) => r.type === "deposit" && r.status === "pending"),
    pendingCount: sums.filter((r) => r.type === "deposit" && r.status === "pending").reduce((s, r) => s + Number(r.n), 0),
    totalDeposited: total((r) => r.type === "deposit" && r.status === "completed"),
    totalSpent: -total((r) => r.status === "completed" && (SPENDING_TYPES as readonly string[]).includes(r.type)),
  };
}

/** The caller's own ledger rows, newest first. */
export async function listTransactions(ctx: Ctx, q: TransactionsQuery): Promise<Page<TransactionRow>> {
  const user = requireUser(ctx);
  let base = inTenant(ctx).selectFrom("transactions").where("transactions.user_id", "=", user.id);
  if (q.type) base = base.where("transactions.type", "=", q.type);
  if (q.status) base = base.where("transactions.status", "=", q.status);
  const count = await base.select((e) => e.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const rows = await ledgerRows(base).limit(q.per_page).offset(offsetOf(q)).execute();
  return pageOf(rows, count.n, q);
}

/** Selects ledger rows newest first, with their payment method's name and their order's public id. */
export function ledgerRows(base: SelectQueryBuilder<Database, "transactions", object>) {
  return base
    .leftJoin("payment_methods", "payment_methods.id", "transactions.payment_method_id")
    .leftJoin("orders", "orders.id", "transactions.order_id")
    .selectAll("transactions")
    .select(["payment_methods.name as payment_method_name", "orders.uuid as order_uuid"])
    .orderBy("transactions.created_at", "desc")
    .orderBy("transactions.id", "desc");
}

interface DepositLimits {
  min: Micro;
  max: Micro | null;
}

/**
 * The amounts a method accepts: its own bounds, narrowed on the platform by the min_deposit/max_deposit
 * settings (a reseller's methods carry the reseller's own bounds).
 */
export async function depositLimits(ctx: Ctx, method: PaymentMethod): Promise<DepositLimits> {
  let min = Number(method.min_amount);
  let max = method.max_amount === null ? null : Number(method.max_amount);
  if (method.site_id === PLATFORM_TENANT_ID) {
    const settingMin = parseMoney(await getSetting(ctx, "min_deposit"));
    const settingMax = parseMoney(await getSetting(ctx, "max_deposit"));
    if (settingMin !== null && settingMin > min) min = settingMin;
    if (settingMax !== null && settingMax > 0 && (max === null || settingMax < max)) max = settingMax;
  }
  return { min, max };
}

/** Every payment method of the tenant, active or not, in display order. */
export async function tenantPaymentMethods(ctx: Ctx): Promise<PaymentMethod[]> {
  return inTenant(ctx).selectFrom("payment_methods").selectAll().orderBy("sort_order").orderBy("id").execute();
}

/** One payment method of the tenant; another tenant's is not found. */
export async function tenantPaymentMethod(ctx: Ctx, id: number): Promise<PaymentMethod> {
  const m = await inTenant(ctx).selectFrom("payment_methods").selectAll().where("id", "=", id).executeTakeFirst();
  if (!m) throw new NotFound("Payment method not found");
  return m;
}

/** The tenant's active deposit methods with their fee rule and effective limits. */
export async function listDepositMethods(ctx: Ctx) {
  const methods = (
    await inTenant(ctx).selectFrom("payment_methods").selectAll().where("is_active", "=", 1).orderBy("sort_order").orderBy("id").execute()
  ).filter(methodPayable);
  const fees = await feeRulesFor(ctx, methods);
  return Promise.all(methods.map(async (m) => ({ method: m, fee: fees.get(m.id)!, limits: await depositLimits(ctx, m) })));
}
