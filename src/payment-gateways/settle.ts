import { randomUUID } from "node:crypto";
import type { Ctx } from "../context.ts";
import { PLATFORM, withTransaction } from "../context.ts";
import { NotFound } from "../core/errors.ts";
import { dbNow, fromDbTime } from "../lib/time.ts";
import { formatMoney, roundDownToMinor } from "../money/money.ts";
import { notice } from "../i18n/i18n.ts";
import { langOf } from "../i18n/lang.ts";
import { moneyParam } from "../i18n/money.ts";
import { notifyLocalized } from "../notifications/localized.ts";
import { notifyAdmins } from "../providers/notices.ts";
import { inTenant } from "../tenancy/scoped.ts";
import { debit, lockBalance, settlePending } from "../wallet/ledger.ts";
import { depositFee } from "../wallet/fees.ts";
import { gatewayFeeRule, gatewayFor, type GatewayAccount } from "./accounts.ts";
import { GatewayUnreachable, type GatewayStatus } from "./gateway.ts";
import type { GatewayPayment } from "./payments.ts";

/** What reading a payment back from its gateway did. */
export type SettleOutcome = "credited" | "already_credited" | "failed" | "expired" | "refunded" | "charged_back" | "still_pending" | "unreachable" | "final";

/** Statuses a confirmation may still credit: an expired payment the gateway confirms late is credited too (the money arrived). */
const OPEN = ["pending", "expired"] as const;

/**
 * Reads a payment's status back from its gateway — a notification, the return page and the
 * reconciliation job all end here, and none of them is trusted on its own — and applies it:
 * confirmed → credited exactly once (a conditional claim of the row and a unique deposit claim, in the
 * transaction that writes the ledger row), with the amount and currency the gateway confirmed and the
 * account's fee; refused → failed; still waiting past its lifetime → expired; refunded after crediting →
 * recorded and the admins told. A gateway that does not answer changes nothing (reconciled later).
 */
export async function settleGatewayPayment(ctx: Ctx, paymentId: number): Promise<SettleOutcome> {
  const payment = await inTenant(ctx).selectFrom("gateway_payments").selectAll().where("id", "=", paymentId).executeTakeFirst();
  if (!payment) throw new NotFound("Payment not found");
  if (payment.status === "failed" || payment.status === "refunded" || payment.status === "charged_back") return "final";
  const account = await inTenant(ctx).selectFrom("gateway_accounts").selectAll().where("id", "=", payment.gateway_account_id).executeTakeFirstOrThrow();

  let status: GatewayStatus;
  try {
    status = await gatewayFor(ctx, account).status(payment.uuid, payment.provider_ref);
  } catch (err) {
    if (!(err instanceof GatewayUnreachable)) throw err;
    ctx.logger.warn("payment gateway status unavailable", { payment: payment.uuid, error: err.message });
    await touch(ctx, payment.id);
    return "unreachable";
  }

  switch (status.state) {
    case "succeeded":
      if (payment.status === "succeeded") return "already_credited";
      return creditPayment(ctx, payment, account, status);
    case "refunded":
    case "charged_back":
      if (payment.status === "succeeded") return reverseCreditedPayment(ctx, payment, account, status);
      return (await close(ctx, payment.id, "failed", `${status.state}_before_credit`)) ? "failed" : "final";
    case "failed":
      if (payment.status === "succeeded") return "already_credited";
      return (await close(ctx, payment.id, "failed", status.detail)) ? "failed" : "final";
    case "pending":
      if (payment.status === "pending" && fromDbTime(payment.expires_at) <= ctx.clock.now()) {
        return (await close(ctx, payment.id, "expired", "never_completed", ["pending"])) ? "expired" : "final";
      }
      await touch(ctx, payment.id);
      return "still_pending";
  }
}

async function touch(ctx: Ctx, id: number): Promise<void> {
  await inTenant(ctx)
    .updateTable("gateway_payments")
    .set({ last_checked_at: dbNow(ctx.clock) })
    .where("id", "=", id)
    .execute();
}

/** A conditional status change from an open status: true when this call made it. */
async function close(ctx: Ctx, id: number, to: "failed" | "expired", reason: string, from: readonly string[] = OPEN): Promise<boolean> {
  const now = dbNow(ctx.clock);
  const res = await inTenant(ctx)
    .updateTable("gateway_payments")
    .set({ status: to, failure_reason: reason.slice(0, 60), last_checked_at: now, updated_at: now })
    .where("id", "=", id)
    .where("status", "in", from as never)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

async function creditPayment(ctx: Ctx, payment: GatewayPayment, account: GatewayAccount, status: GatewayStatus): Promise<SettleOutcome> {
  const user = await ctx.db.selectFrom("users").select(["id", "username", "language"]).where("id", "=", payment.user_id).executeTakeFirstOrThrow();
  const ref = payment.uuid.slice(0, 8);
  if (status.currency !== payment.currency) {
    // Money in another currency cannot be booked at a rate nobody set: nothing is credited, the admins look at it.
    if (!(await close(ctx, payment.id, "failed", "currency_mismatch"))) return "final";
    await tellStaff(ctx, "gateway_mismatch", {
      gateway: account.name,
      ref,
      user: user.username,
      currency: status.currency ?? "?",
      expected: payment.currency,
    });
    return "failed";
  }
  // What arrived is booked in whole minor units, rounded down: never more than the gateway confirmed.
  const amount = roundDownToMinor(status.amount ?? 0, payment.currency);
  const fee = depositFee(amount, gatewayFeeRule(account), payment.currency);
  const credited = amount - fee;

  return withTransaction(ctx, async (tx) => {
    const now = dbNow(tx.clock);
    const claimed = await inTenant(tx)
      .updateTable("gateway_payments")
      .set({ status: "succeeded", confirmed_amount: amount, confirmed_currency: status.currency, fee, settled_at: now, last_checked_at: now, updated_at: now })
      .where("id", "=", payment.id)
      .where("status", "in", OPEN as never)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return "already_credited";
    if (credited <= 0) {
      await inTenant(tx).updateTable("gateway_payments").set({ failure_reason: "fee_exceeds_amount" }).where("id", "=", payment.id).execute();
      return "credited";
    }
    const lang = langOf(user.language);
    const res = await inTenant(tx)
      .insertInto("transactions", {
        uuid: randomUUID(),
        user_id: payment.user_id,
        type: "deposit",
        amount: credited,
        fee,
        balance_after: null,
        status: "pending",
        description: (lang === "fr" ? `Recharge automatique via ${account.name}` : `Automatic top-up via ${account.name}`).slice(0, 255),
        reference: payment.uuid,
        payment_method_id: null,
        meta: JSON.stringify({
          gateway: account.kind,
          gateway_payment: payment.uuid,
          gross: formatMoney(amount),
          requested: formatMoney(Number(payment.amount)),
          currency: payment.currency,
        }),
        // The deposit claim is unique: a second credit of this payment cannot be written.
        deposit_claim: `gw:${payment.uuid}`,
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
    const transactionId = Number(res.insertId);
    await settlePending(tx, transactionId, null);
    await inTenant(tx).updateTable("gateway_payments").set({ transaction_id: transactionId }).where("id", "=", payment.id).execute();
    await notifyLocalized(tx, payment.user_id, {
      type: "deposit_approved",
      data: { gateway_payment_uuid: payment.uuid, amount: formatMoney(credited) },
      ...notice("gateway_deposit", { amount: moneyParam(amount, payment.currency), credited: moneyParam(credited, payment.currency), gateway: account.name }),
    });
    return "credited";
  });
}

/**
 * The gateway gave the money back to the payer after we credited it: the payment is marked (status, when,
 * the gateway's words) once, and what was credited is taken back from the customer's balance through the
 * ledger — as much as the balance still holds (a conditional debit, never below zero). What was already
 * spent is recorded as the payment's shortfall; the customer, the site's owner and the platform's admins are told.
 */
async function reverseCreditedPayment(ctx: Ctx, payment: GatewayPayment, account: GatewayAccount, status: GatewayStatus): Promise<SettleOutcome> {
  const to = status.state === "charged_back" ? "charged_back" : "refunded";
  const credited = Math.max(0, Number(payment.confirmed_amount ?? 0) - Number(payment.fee ?? 0));
  const user = await ctx.db.selectFrom("users").select(["id", "username"]).where("id", "=", payment.user_id).executeTakeFirstOrThrow();
  const done = await withTransaction(ctx, async (tx) => {
    const now = dbNow(tx.clock);
    const claimed = await inTenant(tx)
      .updateTable("gateway_payments")
      .set({ status: to, refunded_at: now, reversal_detail: status.detail.slice(0, 255), last_checked_at: now, updated_at: now })
      .where("id", "=", payment.id)
      .where("status", "=", "succeeded")
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return null;
    await lockBalance(tx, payment.user_id);
    const { balance } = await tx.db.selectFrom("users").select("balance").where("id", "=", payment.user_id).executeTakeFirstOrThrow();
    const taken = payment.transaction_id === null ? 0 : Math.min(Number(balance), credited);
    let reversalId: number | null = null;
    if (taken > 0) {
      const posted = await debit(tx, {
        userId: payment.user_id,
        amount: taken,
        type: "adjustment",
        description: `${to === "refunded" ? "Refunded" : "Charged back"} at ${account.name}: top-up ${payment.uuid.slice(0, 8)}`,
        reference: payment.uuid,
        meta: { gateway_reversal: payment.uuid, status: to, credited: formatMoney(credited) },
      });
      reversalId = posted.transactionId;
    }
    const shortfall = payment.transaction_id === null ? 0 : credited - taken;
    await inTenant(tx)
      .updateTable("gateway_payments")
      .set({ reversal_transaction_id: reversalId, reversal_shortfall: shortfall })
      .where("id", "=", payment.id)
      .execute();
    return { taken, shortfall };
  });
  if (!done) return "final";
  const money = (m: number) => moneyParam(m, payment.currency);
  const params = {
    gateway: account.name,
    ref: payment.uuid.slice(0, 8),
    user: user.username,
    amount: money(Number(payment.confirmed_amount ?? payment.amount)),
    detail: status.detail || "—",
    taken: money(done.taken),
    shortfall: money(done.shortfall),
  };
  await tellStaff(ctx, to === "refunded" ? "gateway_refunded" : "gateway_charged_back", params);
  await notifyLocalized(ctx, payment.user_id, {
    type: "gateway_reversed",
    data: { gateway_payment_uuid: payment.uuid, taken: formatMoney(done.taken) },
    ...notice("gateway_reversed", params),
  });
  return to;
}

/** A site's payment: its owner and the platform's admins (who see every gateway payment); a platform payment: the admins. */
async function tellStaff(
  ctx: Ctx,
  key: "gateway_refunded" | "gateway_charged_back" | "gateway_mismatch",
  params: Record<string, string | Record<"fr" | "en", string>>,
): Promise<void> {
  const texts = notice(key, params);
  // The admins' notice and e-mail speak in the platform's name, whichever tenant the payment belongs to.
  await notifyAdmins(
    { ...ctx, tenant: PLATFORM },
    { type: key, data: { ref: params.ref, site: ctx.tenant.kind === "site" ? ctx.tenant.site.uuid : null }, ...texts },
  );
  if (ctx.tenant.kind === "site") {
    await notifyLocalized(ctx, ctx.tenant.site.owner_id, { type: key, data: { ref: params.ref, site: ctx.tenant.site.uuid }, ...texts });
  }
}
