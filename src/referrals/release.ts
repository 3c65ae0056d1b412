import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import type { JobDef } from "../jobs/scheduler.ts";
import { dbNow } from "../lib/time.ts";
import { credit } from "../wallet/ledger.ts";

/**
 * Pays one pending commission whose hold is over: the status moves pending → credited with a
 * compare-and-set in the same transaction as the ledger credit, so however many runs try, it is paid
 * once (a second run's update finds it credited and touches nothing). It pays the amount less what
 * refunds cancelled meanwhile. Returns whether this call paid it.
 */
async function releaseCommission(ctx: Ctx, id: number): Promise<boolean> {
  return withTransaction(ctx, async (tx) => {
    const now = dbNow(tx.clock);
    const claimed = await tx.db
      .updateTable("referral_commissions")
      .set({ status: "credited", updated_at: now })
      .where("id", "=", id)
      .where("status", "=", "pending")
      .where("available_at", "<=", now)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return false;
    // Read after the claim: the row as this transaction holds it, not an older snapshot.
    const c = await tx.db
      .selectFrom("referral_commissions")
      .innerJoin("orders", "orders.id", "referral_commissions.order_id")
      .select([
        "referral_commissions.referrer_id",
        "referral_commissions.level",
        "referral_commissions.amount",
        "referral_commissions.cancelled_amount",
        "orders.id as order_id",
        "orders.uuid",
      ])
      .where("referral_commissions.id", "=", id)
      .executeTakeFirstOrThrow();
    const pay = Number(c.amount) - Number(c.cancelled_amount);
    if (pay <= 0) return false;
    const posted = await credit(tx, {
      userId: c.referrer_id,
      amount: pay,
      type: "referral_commission",
      orderId: c.order_id,
      description: `Referral commission (level ${c.level}) for order ${c.uuid.slice(0, 8)}`,
    });
    await tx.db.updateTable("referral_commissions").set({ transaction_id: posted.transactionId }).where("id", "=", id).execute();
    return true;
  });
}

/** Pays the pending commissions that are due, oldest first; a commission that fails is logged and tried on the next run. */
export async function releaseDueCommissions(ctx: Ctx, limit = 500): Promise<{ due: number; released: number; failed: number }> {
  const due = await ctx.db
    .selectFrom("referral_commissions")
    .select("id")
    .where("status", "=", "pending")
    .where("available_at", "<=", dbNow(ctx.clock))
    .orderBy("available_at")
    .orderBy("id")
    .limit(limit)
    .execute();
  const out = { due: due.length, released: 0, failed: 0 };
  for (const { id } of due) {
    try {
      if (await releaseCommission(ctx, id)) out.released++;
    } catch (err) {
      out.failed++;
      ctx.logger.warn("referral commission release failed", { commission_id: id, error: String(err) });
    }
  }
  return out;
}

/** `referrals:release-commissions`: every 10 minutes; pays the commissions whose hold is over. */
export const releaseCommissionsJob: JobDef = {
  name: "referrals:release-commissions",
  description: "pay referral commissions whose hold period is over (pending → credited, once)",
  schedule: "*/10 * * * *",
  run: async (ctx, progress) => {
    progress.start("commissions", 1);
    const r = await releaseDueCommissions(ctx);
    progress.done(`${r.released} of ${r.due} due commissions paid, ${r.failed} failed`);
    return r;
  },
};
