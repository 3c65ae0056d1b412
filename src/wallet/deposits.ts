import { randomUUID } from "node:crypto";
import type { Ctx } from "../context.ts";
import { requireUser, withTransaction } from "../context.ts";
import type { Selectable } from "kysely";
import type { PaymentMethodsTable, Transaction } from "../db/schema.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { Conflict, NotFound, fieldError } from "../core/errors.ts";
import { dbNow } from "../lib/time.ts";
import { formatMoney } from "../money/money.ts";
import { bookingCurrency } from "../settings/service.ts";
import { requireWholeMinor } from "./amounts.ts";
import { writeAudit } from "../audit/audit.ts";
import { notifyLocalized } from "../notifications/localized.ts";
import { tellSiteOwner } from "../notifications/site-owner.ts";
import { langOf } from "../i18n/lang.ts";
import { both, notice } from "../i18n/i18n.ts";
import { moneyParam } from "../i18n/money.ts";
import { depositFee, feeRulesFor } from "./fees.ts";
import { settlePending } from "./ledger.ts";
import { depositLimits } from "./service.ts";
import type { DepositInput } from "./schema.ts";
import type { TransactionRow } from "./view.ts";
import { inTenant } from "../tenancy/scoped.ts";

/** A user may not pile up more unverified deposits than this. */
const MAX_PENDING_DEPOSITS = 10;

/** References are compared without case or spaces: "mp 2311.AB" and "MP2311.ab" are the same payment. */
function depositClaim(paymentMethodId: number, reference: string): string {
  return `${paymentMethodId}:${reference.replace(/\s+/g, "").toUpperCase()}`.slice(0, 190);
}

/** What a declared deposit comes to, before it is recorded: what the user sent, the method's fee, what will be credited. */
interface DepositQuote {
  method: Selectable<PaymentMethodsTable>;
  amount: number;
  fee: number;
  credited: number;
}

/**
 * Checks a deposit against its method (active, in this tenant, within its limits) and prices its fee:
 * the same refusals as createDeposit, so a page can show the fee and the credited amount before the
 * user confirms.
 */
export async function quoteDeposit(ctx: Ctx, input: Pick<DepositInput, "payment_method_id" | "amount">): Promise<DepositQuote> {
  requireUser(ctx);
  const method = await inTenant(ctx)
    .selectFrom("payment_methods")
    .selectAll()
    .where("id", "=", input.payment_method_id)
    .where("is_active", "=", 1)
    .executeTakeFirst();
  if (!method) throw fieldError("payment_method_id", "Unknown or inactive payment method");

  const currency = await bookingCurrency(ctx);
  requireWholeMinor(input.amount, currency);
  const limits = await depositLimits(ctx, method);
  if (input.amount < limits.min) throw fieldError("amount", `The minimum deposit with ${method.name} is ${formatMoney(limits.min)}`);
  if (limits.max !== null && input.amount > limits.max) throw fieldError("amount", `The maximum deposit with ${method.name} is ${formatMoney(limits.max)}`);
  const fee = depositFee(input.amount, (await feeRulesFor(ctx, [method])).get(method.id)!, currency);
  const credited = input.amount - fee;
  if (credited <= 0) throw fieldError("amount", "The amount does not cover the fees of this payment method");
  return { method, amount: input.amount, fee, credited };
}

/** A pending deposit of this tenant with its customer's name, for a verification's confirmation step (404 otherwise). */
export async function pendingDeposit(ctx: Ctx, transactionId: number) {
  const row = await inTenant(ctx)
    .selectFrom("transactions")
    .select(["id", "user_id", "amount", "fee", "reference"])
    .where("id", "=", transactionId)
    .where("type", "=", "deposit")
    .where("status", "=", "pending")
    .executeTakeFirst();
  if (!row) throw new NotFound("Deposit not found");
  const user = await inTenant(ctx).selectFrom("users").select("username").where("id", "=", row.user_id).executeTakeFirst();
  return { id: row.id, customer: user?.username ?? `#${row.user_id}`, amount: Number(row.amount), fee: Number(row.fee), reference: row.reference };
}

/**
 * Records a deposit the user says they made: a pending ledger row (amount = what will be credited, fee
 * recorded). The balance changes only when the deposit is verified. Tenant-generic: a site's customers
 * deposit with the site's methods, platform users with the platform's.
 */
export async function createDeposit(ctx: Ctx, input: DepositInput): Promise<TransactionRow> {
  const user = requireUser(ctx);
  const { method, fee, credited } = await quoteDeposit(ctx, input);

  const pending = await ctx.db
    .selectFrom("transactions")
    .select((e) => e.fn.countAll<number>().as("n"))
    .where("user_id", "=", user.id)
    .where("type", "=", "deposit")
    .where("status", "=", "pending")
    .executeTakeFirstOrThrow();
  if (Number(pending.n) >= MAX_PENDING_DEPOSITS) throw fieldError("amount", `You already have ${MAX_PENDING_DEPOSITS} deposits awaiting verification`);

  const now = dbNow(ctx.clock);
  const lang = langOf(user.language);
  try {
    const res = await inTenant(ctx)
      .insertInto("transactions", {
        uuid: randomUUID(),
        user_id: user.id,
        type: "deposit",
        amount: credited,
        fee,
        balance_after: null,
        status: "pending",
        description: (lang === "fr" ? `Dépôt via ${method.name}` : `Deposit via ${method.name}`).slice(0, 255),
        reference: input.reference,
        payment_method_id: method.id,
        meta: JSON.stringify({ gross: input.amount, currency: method.currency, phone: input.phone ?? null }),
        deposit_claim: depositClaim(method.id, input.reference),
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
    const row = await ctx.db.selectFrom("transactions").selectAll().where("id", "=", Number(res.insertId)).executeTakeFirstOrThrow();
    // A site's owner verifies its customers' deposits: one notice that counts them up.
    await tellSiteOwner(ctx, "deposits", input.amount);
    return { ...row, payment_method_name: method.name };
  } catch (err) {
    if (isUniqueViolation(err)) throw fieldError("reference", "This payment reference has already been used for a deposit");
    throw err;
  }
}

interface VerifyInput {
  action: "approve" | "reject";
  note?: string;
}

/**
 * Approves (credits exactly once, through settlePending) or rejects a pending deposit of the tenant.
 * A deposit that is no longer pending — even one verified a moment ago by a concurrent request — is a 409.
 */
export async function verifyDeposit(ctx: Ctx, transactionId: number, input: VerifyInput): Promise<Transaction> {
  const verifier = requireUser(ctx);
  const result = await withTransaction(ctx, async (tx) => {
    const row = await inTenant(tx).selectFrom("transactions").selectAll().where("id", "=", transactionId).where("type", "=", "deposit").executeTakeFirst();
    if (!row) throw new NotFound("Transaction not found");
    if (row.status !== "pending") throw new Conflict(`This deposit is already ${row.status}`, "already_verified");
    const now = dbNow(tx.clock);
    const meta = { ...(row.meta ? (JSON.parse(row.meta) as object) : {}), ...(input.note ? { note: input.note } : {}) };

    if (input.action === "approve") {
      const posted = await settlePending(tx, row.id, verifier.id);
      if (!posted) throw new Conflict("This deposit has already been verified", "already_verified");
      await tx.db
        .updateTable("transactions")
        .set({ meta: JSON.stringify(meta) })
        .where("id", "=", row.id)
        .execute();
    } else {
      // Rejecting frees the reference, so that a corrected deposit may use it again.
      const flipped = await tx.db
        .updateTable("transactions")
        .set({ status: "failed", deposit_claim: null, verified_by: verifier.id, verified_at: now, updated_at: now, meta: JSON.stringify(meta) })
        .where("id", "=", row.id)
        .where("status", "=", "pending")
        .executeTakeFirst();
      if (Number(flipped.numUpdatedRows) !== 1) throw new Conflict("This deposit has already been verified", "already_verified");
    }
    await writeAudit(tx, {
      action: input.action === "approve" ? "deposit.approve" : "deposit.reject",
      targetType: "transaction",
      targetId: row.id,
      data: { user_id: row.user_id, amount: formatMoney(row.amount), fee: formatMoney(row.fee), reference: row.reference, note: input.note ?? null },
    });
    await notifyDepositVerified(tx, row, input);
    return tx.db.selectFrom("transactions").selectAll().where("id", "=", row.id).executeTakeFirstOrThrow();
  });
  return result;
}

async function notifyDepositVerified(ctx: Ctx, row: Transaction, input: VerifyInput): Promise<void> {
  const amount = moneyParam(row.amount, await bookingCurrency(ctx));
  const ref = row.reference ?? "";
  const note = input.note ? both("deposit.reason", { note: input.note }) : "";
  const data = { transaction_uuid: row.uuid, amount: formatMoney(row.amount) };
  if (input.action === "approve") {
    await notifyLocalized(ctx, row.user_id, {
      type: "deposit_approved",
      data,
      ...notice("deposit_approved", { amount, ref, note }),
    });
  } else {
    await notifyLocalized(ctx, row.user_id, {
      type: "deposit_rejected",
      data,
      ...notice("deposit_rejected", { amount, ref, note }),
    });
  }
}
