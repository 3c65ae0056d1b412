import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import type { CommissionStatus } from "../db/schema.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { AppError } from "../core/errors.ts";
import { DAY, dbNow } from "../lib/time.ts";
import { percentOf, roundDownToMinor } from "../money/money.ts";
import { getIntSetting } from "../settings/service.ts";
import { referralFlagOf } from "../referrals/flags.ts";
import { REFERRAL_LEVELS, referralRates } from "../referrals/rates.ts";
import { debit } from "../wallet/ledger.ts";

/**
 * Opens the commissions of the order's referrers (3 levels) on what the order earned: the charge
 * less what was refunded, at the level rates capped at 50% in all, rounded down to a whole minor unit
 * of the order's currency (a payout). Nothing is paid now: a commission
 * waits `referral_hold_days` as pending (referrals:release-commissions pays it), or for an admin when
 * the referred account is flagged; a rejected account's commissions are cancelled at once. Once per
 * order and level: the unique index on (order_id, level) decides, inside the caller's transaction.
 * Returns the number of commissions opened.
 */
export async function openCommissions(ctx: Ctx, orderId: number): Promise<number> {
  return withTransaction(ctx, async (tx) => {
    // Most buyers have no referrer: their upline, read through the order, is the only read.
    const upline = await tx.db
      .selectFrom("orders")
      .innerJoin("referral_relationships", "referral_relationships.user_id", "orders.user_id")
      .innerJoin("users", "users.id", "referral_relationships.referrer_id")
      .select(["referral_relationships.referrer_id", "referral_relationships.level"])
      .where("orders.id", "=", orderId)
      .where("referral_relationships.level", "in", [...REFERRAL_LEVELS])
      .where("users.deleted_at", "is", null)
      .execute();
    if (!upline.length) return 0;
    const order = await tx.db
      .selectFrom("orders")
      .select(["id", "uuid", "user_id", "charge", "refunded", "currency"])
      .where("id", "=", orderId)
      .executeTakeFirstOrThrow();
    const net = Number(order.charge) - Number(order.refunded);
    if (net <= 0) return 0;
    const rates = await referralRates(tx);
    const flag = await referralFlagOf(tx, order.user_id);
    const status: CommissionStatus = flag === "flagged" ? "awaiting_approval" : flag === "rejected" ? "cancelled" : "pending";
    const now = dbNow(tx.clock);
    const availableAt = dbNow(tx.clock, Math.max(0, await getIntSetting(tx, "referral_hold_days")) * DAY);
    let opened = 0;
    for (const r of upline) {
      const bp = rates[r.level as keyof typeof rates];
      const amount = roundDownToMinor(percentOf(net, bp), order.currency);
      if (amount <= 0) continue;
      try {
        await tx.db
          .insertInto("referral_commissions")
          .values({
            referrer_id: r.referrer_id,
            referred_user_id: order.user_id,
            order_id: order.id,
            level: r.level,
            rate_bp: bp,
            amount,
            status,
            available_at: availableAt,
            cancelled_amount: status === "cancelled" ? amount : 0,
            reversed_amount: 0,
            created_at: now,
            updated_at: now,
          })
          .execute();
        opened++;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
    }
    return opened;
  });
}

/** Commissions a refund brings down: not paid yet (cut), or paid (clawed back). */
const CLAWBACK_STATUSES: CommissionStatus[] = ["pending", "awaiting_approval", "credited", "reversal_pending"];

/** openCommissions for a batch of orders: their uplines read in one query, and only the orders of referred buyers go further. */
export async function openCommissionsEach(ctx: Ctx, orderIds: readonly number[]): Promise<number> {
  if (orderIds.length === 0) return 0;
  return withTransaction(ctx, async (tx) => {
    const referred = await tx.db
      .selectFrom("orders")
      .innerJoin("referral_relationships", "referral_relationships.user_id", "orders.user_id")
      .select("orders.id")
      .distinct()
      .where("orders.id", "in", orderIds)
      .where("referral_relationships.level", "in", [...REFERRAL_LEVELS])
      .execute();
    let opened = 0;
    for (const { id } of referred.sort((a, b) => a.id - b.id)) opened += await openCommissions(tx, id);
    return opened;
  });
}

/** Of these orders, those with a commission a refund may have to cut or claw back (clawBackCommissions' own selection). */
export async function ordersWithCommissions(ctx: Ctx, orderIds: readonly number[]): Promise<number[]> {
  if (orderIds.length === 0) return [];
  const rows = await ctx.db
    .selectFrom("referral_commissions")
    .select("order_id")
    .distinct()
    .where("order_id", "in", orderIds)
    .where("status", "in", CLAWBACK_STATUSES)
    .execute();
  return rows.map((r) => r.order_id).sort((a, b) => a - b);
}

/**
 * After a refund: each commission of the order is brought down to its share of what the order still
 * earns. One not paid yet (pending, awaiting approval) is cut, or cancelled when nothing is left, with
 * no ledger movement. For one already paid, the difference is debited from the referrer with a
 * conditional debit; when their balance cannot cover it, nothing is taken and the commission is
 * marked reversal_pending (owed), to be retried by smm:sync-orders. Money is neither lost nor
 * created, and no balance goes negative.
 */
export async function clawBackCommissions(ctx: Ctx, orderId: number): Promise<{ reversed: number; pending: number; cancelled: number }> {
  return withTransaction(ctx, async (tx) => {
    const rows = await tx.db.selectFrom("referral_commissions").selectAll().where("order_id", "=", orderId).where("status", "in", CLAWBACK_STATUSES).execute();
    const out = { reversed: 0, pending: 0, cancelled: 0 };
    // Most orders opened no commission: nothing to read further.
    if (rows.length === 0) return out;
    const order = await tx.db.selectFrom("orders").select(["uuid", "charge", "refunded", "currency"]).where("id", "=", orderId).executeTakeFirstOrThrow();
    const net = Math.max(0, Number(order.charge) - Number(order.refunded));
    for (const c of rows.filter((r) => r.status === "pending" || r.status === "awaiting_approval")) {
      const unpaid = Number(c.amount) - Number(c.cancelled_amount);
      const cut = unpaid - Math.min(unpaid, roundDownToMinor(percentOf(net, c.rate_bp), order.currency));
      if (cut <= 0) continue;
      const res = await tx.db
        .updateTable("referral_commissions")
        .set({ cancelled_amount: Number(c.cancelled_amount) + cut, status: cut === unpaid ? "cancelled" : c.status, updated_at: dbNow(tx.clock) })
        .where("id", "=", c.id)
        .where("status", "=", c.status)
        .where("cancelled_amount", "=", c.cancelled_amount)
        .executeTakeFirst();
      // Released or cut by someone else meanwhile: roll the whole refund back rather than count it twice.
      if (Number(res.numUpdatedRows) !== 1) throw new Error(`commission ${c.id} changed during its cancellation`);
      if (cut === unpaid) out.cancelled++;
    }
    for (const c of rows.filter((r) => r.status === "credited" || r.status === "reversal_pending")) {
      const kept = Number(c.amount) - Number(c.cancelled_amount) - Number(c.reversed_amount);
      const due = Math.min(kept, roundDownToMinor(percentOf(net, c.rate_bp), order.currency));
      const owed = kept - due;
      const now = dbNow(tx.clock);
      if (owed <= 0) {
        if (c.status === "reversal_pending")
          await tx.db.updateTable("referral_commissions").set({ status: "credited", updated_at: now }).where("id", "=", c.id).execute();
        continue;
      }
      try {
        const posted = await debit(tx, {
          userId: c.referrer_id,
          amount: owed,
          type: "referral_reversal",
          orderId,
          description: `Referral commission reversed (level ${c.level}) for refunded order ${order.uuid.slice(0, 8)}`,
        });
        const res = await tx.db
          .updateTable("referral_commissions")
          .set({
            reversed_amount: Number(c.reversed_amount) + owed,
            status: due === 0 ? "reversed" : "credited",
            reversal_transaction_id: posted.transactionId,
            updated_at: now,
          })
          .where("id", "=", c.id)
          .where("reversed_amount", "=", c.reversed_amount)
          .executeTakeFirst();
        // Someone else reversed it meanwhile: roll the whole transaction back rather than take it twice.
        if (Number(res.numUpdatedRows) !== 1) throw new Error(`commission ${c.id} changed during its clawback`);
        out.reversed++;
      } catch (err) {
        if (!(err instanceof AppError && err.code === "insufficient_balance")) throw err;
        await tx.db.updateTable("referral_commissions").set({ status: "reversal_pending", updated_at: now }).where("id", "=", c.id).execute();
        out.pending++;
      }
    }
    return out;
  });
}

/** Retries clawbacks the referrers could not cover before (part of smm:sync-orders). */
export async function retryPendingReversals(ctx: Ctx, limit = 200): Promise<{ reversed: number; pending: number }> {
  const orders = await ctx.db
    .selectFrom("referral_commissions")
    .select("order_id")
    .distinct()
    .where("status", "=", "reversal_pending")
    .orderBy("order_id")
    .limit(limit)
    .execute();
  const total = { reversed: 0, pending: 0 };
  for (const { order_id } of orders) {
    try {
      const r = await clawBackCommissions(ctx, order_id);
      total.reversed += r.reversed;
      total.pending += r.pending;
    } catch (err) {
      ctx.logger.warn("referral clawback retry failed", { order_id, error: String(err) });
    }
  }
  return total;
}
