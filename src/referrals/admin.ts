import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import { Conflict, NotFound } from "../core/errors.ts";
import { offsetOf, pageOf, type Page } from "../core/pagination.ts";
import { writeAudit } from "../audit/audit.ts";
import { dbNow } from "../lib/time.ts";
import type { Micro } from "../money/money.ts";
import { inTenant } from "../tenancy/scoped.ts";
import type { FlagReason, FlagStatus } from "./flags.ts";
import type { FlagsQuery } from "./schema.ts";

export interface ReferralFlag {
  id: number;
  status: FlagStatus;
  reason: FlagReason;
  ip: string;
  user_id: number;
  username: string;
  referrer_id: number;
  referrer_username: string;
  reviewed_by: number | null;
  reviewed_at: string | null;
  created_at: string;
  /** What its commissions would pay once approved, and how many there are. */
  awaiting: Micro;
  awaiting_count: number;
}

function flagsOf(ctx: Ctx) {
  return inTenant(ctx)
    .selectFrom("referral_flags")
    .innerJoin("users as referred", "referred.id", "referral_flags.user_id")
    .innerJoin("users as referrer", "referrer.id", "referral_flags.referrer_id");
}

async function withAwaiting(ctx: Ctx, rows: Omit<ReferralFlag, "awaiting" | "awaiting_count">[]): Promise<ReferralFlag[]> {
  const ids = rows.map((r) => r.user_id);
  const sums = ids.length
    ? await ctx.db
        .selectFrom("referral_commissions")
        .select(["referred_user_id", (e) => e.fn.countAll<number>().as("n"), (e) => e.fn.sum<number>(e("amount", "-", e.ref("cancelled_amount"))).as("total")])
        .where("referred_user_id", "in", ids)
        .where("status", "=", "awaiting_approval")
        .groupBy("referred_user_id")
        .execute()
    : [];
  return rows.map((r) => {
    const s = sums.find((x) => Number(x.referred_user_id) === r.user_id);
    return { ...r, awaiting: Number(s?.total ?? 0), awaiting_count: Number(s?.n ?? 0) };
  });
}

const COLUMNS = [
  "referral_flags.id",
  "referral_flags.status",
  "referral_flags.reason",
  "referral_flags.ip",
  "referral_flags.user_id",
  "referred.username as username",
  "referral_flags.referrer_id",
  "referrer.username as referrer_username",
  "referral_flags.reviewed_by",
  "referral_flags.reviewed_at",
  "referral_flags.created_at",
] as const;

/** The tenant's flagged referrals (by default those still waiting for a decision), newest first. */
export async function listReferralFlags(ctx: Ctx, q: FlagsQuery): Promise<Page<ReferralFlag>> {
  const base = flagsOf(ctx).where("referral_flags.status", "=", q.status);
  const count = await base.select((e) => e.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const rows = await base
    .select(COLUMNS)
    .orderBy("referral_flags.created_at", "desc")
    .orderBy("referral_flags.id", "desc")
    .limit(q.per_page)
    .offset(offsetOf(q))
    .execute();
  const page = rows.map((r) => ({ ...r, id: Number(r.id), user_id: Number(r.user_id), referrer_id: Number(r.referrer_id) }));
  return pageOf(await withAwaiting(ctx, page), count.n, q);
}

/**
 * An admin's decision on a flagged referral, once (a compare-and-set on the flag): approved, its
 * commissions go back to pending and are paid on their normal date; rejected, they are cancelled.
 * Either way an audit row records it.
 */
export async function reviewReferralFlag(ctx: Ctx, id: number, decision: "approve" | "reject"): Promise<ReferralFlag> {
  await withTransaction(ctx, async (tx) => {
    const flag = await inTenant(tx).selectFrom("referral_flags").select(["id", "user_id", "status"]).where("id", "=", id).executeTakeFirst();
    if (!flag) throw new NotFound("Referral flag not found");
    const now = dbNow(tx.clock);
    const status = decision === "approve" ? "approved" : "rejected";
    const moved = await inTenant(tx)
      .updateTable("referral_flags")
      .set({ status, reviewed_by: tx.user?.id ?? null, reviewed_at: now, updated_at: now })
      .where("id", "=", id)
      .where("status", "=", "flagged")
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) throw new Conflict(`This referral was already ${flag.status}`, "already_reviewed");
    const waiting = tx.db.updateTable("referral_commissions").where("referred_user_id", "=", flag.user_id).where("status", "=", "awaiting_approval");
    const changed =
      decision === "approve"
        ? await waiting.set({ status: "pending", updated_at: now }).executeTakeFirst()
        : await waiting.set((eb) => ({ status: "cancelled", cancelled_amount: eb.ref("amount"), updated_at: now })).executeTakeFirst();
    await writeAudit(tx, {
      action: `referral.${decision}`,
      targetType: "referral_flag",
      targetId: id,
      data: { user_id: Number(flag.user_id), commissions: Number(changed.numUpdatedRows) },
    });
  });
  const row = await flagsOf(ctx).select(COLUMNS).where("referral_flags.id", "=", id).executeTakeFirstOrThrow();
  const [flag] = await withAwaiting(ctx, [{ ...row, id: Number(row.id), user_id: Number(row.user_id), referrer_id: Number(row.referrer_id) }]);
  return flag!;
}
