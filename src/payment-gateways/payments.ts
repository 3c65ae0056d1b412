import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import type { Ctx } from "../context.ts";
import { requireUser } from "../context.ts";
import type { GatewayPaymentsTable } from "../db/schema.ts";
import { Unavailable, fieldError } from "../core/errors.ts";
import { dbNow, MINUTE } from "../lib/time.ts";
import { formatMoney, type Micro } from "../money/money.ts";
import { bookingCurrency } from "../settings/service.ts";
import { tenantBaseUrl } from "../tenancy/urls.ts";
import { inTenant } from "../tenancy/scoped.ts";
import { langOf } from "../i18n/lang.ts";
import { requireWholeMinor } from "../wallet/amounts.ts";
import { depositFee } from "../wallet/fees.ts";
import { GATEWAY_NAMES, gatewayFeeRule, gatewayFor, tenantGatewayAccount, type GatewayAccount } from "./accounts.ts";
import { GatewayUnreachable } from "./gateway.ts";

export type GatewayPayment = Selectable<GatewayPaymentsTable>;

/** A payment the customer never completes is given up after this long (a late confirmation still credits it). */
const PAYMENT_LIFETIME_MS = 30 * MINUTE;
/** A user may not have more payments waiting at the gateways than this. */
const MAX_PENDING_PAYMENTS = 10;

/** Where a tenant's gateway of this kind posts its notifications, and where the customer comes back. */
const notifyPath = (kind: string) => `/payments/${kind}/notify`;
export const returnPath = (uuid: string) => `/funds/payments/${uuid}`;

interface GatewayQuote {
  account: GatewayAccount;
  amount: Micro;
  fee: Micro;
  credited: Micro;
  currency: string;
}

/**
 * Checks an automatic deposit before anything is started (account active in this tenant, in the booking
 * currency, within its limits, an amount the gateway takes) and prices its fee on the amount asked: the
 * confirmation step shows it. What is finally credited follows the amount the gateway confirms.
 */
export async function quoteGatewayDeposit(ctx: Ctx, input: { gateway_account_id: number; amount: Micro }): Promise<GatewayQuote> {
  requireUser(ctx);
  const account = await tenantGatewayAccount(ctx, input.gateway_account_id);
  if (!account || !account.is_active) throw fieldError("gateway_account_id", "Unknown or inactive payment gateway");
  const currency = await bookingCurrency(ctx);
  if (account.currency !== currency) throw fieldError("gateway_account_id", `This gateway takes ${account.currency}, not ${currency}`);
  requireWholeMinor(input.amount, currency);
  const min = Number(account.min_amount);
  const max = account.max_amount === null ? null : Number(account.max_amount);
  if (input.amount <= 0) throw fieldError("amount", "The amount must be greater than zero");
  if (input.amount < min) throw fieldError("amount", `The minimum with ${account.name} is ${formatMoney(min)}`);
  if (max !== null && input.amount > max) throw fieldError("amount", `The maximum with ${account.name} is ${formatMoney(max)}`);
  const problem = gatewayFor(ctx, account).amountProblem(input.amount, currency);
  if (problem) throw fieldError("amount", problem);
  const fee = depositFee(input.amount, gatewayFeeRule(account), currency);
  const credited = input.amount - fee;
  if (credited <= 0) throw fieldError("amount", "The amount does not cover the fees of this gateway");
  return { account, amount: input.amount, fee, credited, currency };
}

/**
 * Starts a payment at the gateway: the pending row first (so a notification that comes back at once finds
 * it), then the gateway's checkout. A gateway that does not answer fails the row and answers 503.
 */
export async function startGatewayPayment(ctx: Ctx, input: { gateway_account_id: number; amount: Micro }): Promise<GatewayPayment> {
  const user = requireUser(ctx);
  const quote = await quoteGatewayDeposit(ctx, input);
  const waiting = await inTenant(ctx)
    .selectFrom("gateway_payments")
    .select((e) => e.fn.countAll<number>().as("n"))
    .where("user_id", "=", user.id)
    .where("status", "=", "pending")
    .executeTakeFirstOrThrow();
  if (Number(waiting.n) >= MAX_PENDING_PAYMENTS) throw fieldError("amount", `You already have ${MAX_PENDING_PAYMENTS} payments waiting at the gateway`);

  const uuid = randomUUID();
  const now = dbNow(ctx.clock);
  const res = await inTenant(ctx)
    .insertInto("gateway_payments", {
      uuid,
      user_id: user.id,
      gateway_account_id: quote.account.id,
      amount: quote.amount,
      currency: quote.currency,
      fee: quote.fee,
      expires_at: dbNow(ctx.clock, PAYMENT_LIFETIME_MS),
      created_at: now,
      updated_at: now,
    })
    .executeTakeFirstOrThrow();
  const id = Number(res.insertId);
  const base = tenantBaseUrl(ctx.config, ctx.tenant);
  const lang = langOf(user.language);
  try {
    const started = await gatewayFor(ctx, quote.account).start({
      transactionRef: uuid,
      amount: quote.amount,
      currency: quote.currency,
      description: lang === "fr" ? `Recharge du solde ${user.username}` : `Balance top-up ${user.username}`,
      notifyUrl: `${base}${notifyPath(quote.account.kind)}`,
      returnUrl: `${base}${returnPath(uuid)}`,
      lang,
      customer: { id: user.id, name: user.username, email: user.email },
    });
    await inTenant(ctx)
      .updateTable("gateway_payments")
      .set({ checkout_url: started.checkoutUrl.slice(0, 1000), provider_ref: started.providerRef, updated_at: dbNow(ctx.clock) })
      .where("id", "=", id)
      .execute();
  } catch (err) {
    if (!(err instanceof GatewayUnreachable)) throw err;
    ctx.logger.warn("payment gateway did not start a payment", { payment: uuid, gateway: quote.account.code, error: err.message });
    await inTenant(ctx)
      .updateTable("gateway_payments")
      .set({ status: "failed", failure_reason: "start_failed", updated_at: dbNow(ctx.clock) })
      .where("id", "=", id)
      .where("status", "=", "pending")
      .execute();
    throw new Unavailable(`${GATEWAY_NAMES[quote.account.kind]} is not answering; try again in a moment`, "gateway_unavailable");
  }
  return inTenant(ctx).selectFrom("gateway_payments").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

/** One of the signed-in user's own payments by its public id (another user's or tenant's is not found). */
export async function ownGatewayPayment(ctx: Ctx, uuid: string): Promise<(GatewayPayment & { gateway_name: string }) | undefined> {
  const user = requireUser(ctx);
  return inTenant(ctx)
    .selectFrom("gateway_payments")
    .innerJoin("gateway_accounts", "gateway_accounts.id", "gateway_payments.gateway_account_id")
    .selectAll("gateway_payments")
    .select("gateway_accounts.name as gateway_name")
    .where("gateway_payments.uuid", "=", uuid)
    .where("gateway_payments.user_id", "=", user.id)
    .executeTakeFirst();
}
