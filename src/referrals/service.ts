import { sql } from "kysely";
import type { Ctx } from "../context.ts";
import { requireUser } from "../context.ts";
import { offsetOf, pageOf, type Page } from "../core/pagination.ts";
import { startOfUtcMonth } from "../lib/time.ts";
import type { Micro } from "../money/money.ts";
import type { CommissionStatus } from "../db/schema.ts";
import { getSetting } from "../settings/service.ts";
import { REFERRAL_LEVELS, referralRates } from "./rates.ts";
import type { CommissionsQuery, ReferralsQuery } from "./schema.ts";
import { inTenant } from "../tenancy/scoped.ts";

interface LevelStats {
  level: number;
  rateBp: number;
  referrals: number;
  earned: Micro;
  pending: Micro;
}

export interface ReferralStats {
  code: string;
  currency: string;
  levels: LevelStats[];
  totalReferrals: number;
  totalEarned: Micro;
  thisMonthEarned: Micro;
  reversed: Micro;
  /** Not paid yet: waiting for their date, or for an admin (flagged account). */
  pending: Micro;
  nextAvailableAt: string | null;
  awaitingApproval: Micro;
  /** Cancelled before payment: refunds during the hold, rejected accounts. */
  cancelled: Micro;
}

const PAID: readonly CommissionStatus[] = ["credited", "reversal_pending", "reversed"];

/** The caller's referral network per level and what its commissions earned (net of clawbacks), still wait for, or lost before payment. */
export async function referralStats(ctx: Ctx): Promise<ReferralStats> {
  const user = requireUser(ctx);
  const counts = await inTenant(ctx)
    .selectFrom("users")
    .innerJoin("referral_relationships", "referral_relationships.user_id", "users.id")
    .select(["referral_relationships.level", (e) => e.fn.countAll<number>().as("n")])
    .where("referral_relationships.referrer_id", "=", user.id)
    .where("users.deleted_at", "is", null)
    .groupBy("referral_relationships.level")
    .execute();
  // What a commission pays or paid: its amount less what was cancelled before payment and clawed back after.
  const kept = sql<number>`sum(amount - cancelled_amount - reversed_amount)`;
  const sums = await ctx.db
    .selectFrom("referral_commissions")
    .select([
      "level",
      "status",
      kept.as("kept"),
      (e) => e.fn.sum<number>("reversed_amount").as("reversed"),
      (e) => e.fn.sum<number>("cancelled_amount").as("cancelled"),
      (e) => e.fn.min<string | null>("available_at").as("next_at"),
    ])
    .where("referrer_id", "=", user.id)
    .groupBy(["level", "status"])
    .execute();
  // Earned this month: paid this month (the ledger row's date; commissions from before holds existed have none).
  const month = await ctx.db
    .selectFrom("referral_commissions")
    .leftJoin("transactions", "transactions.id", "referral_commissions.transaction_id")
    .select(sql<number>`sum(referral_commissions.amount - referral_commissions.cancelled_amount - referral_commissions.reversed_amount)`.as("kept"))
    .where("referral_commissions.referrer_id", "=", user.id)
    .where("referral_commissions.status", "in", PAID)
    .where((eb) => eb.fn.coalesce("transactions.created_at", "referral_commissions.created_at"), ">=", startOfUtcMonth(ctx.clock.now()))
    .executeTakeFirst();

  const total = (rows: typeof sums, field: "kept" | "reversed" | "cancelled") => rows.reduce((t, r) => t + Number(r[field] ?? 0), 0);
  const paid = sums.filter((r) => PAID.includes(r.status));
  const pending = sums.filter((r) => r.status === "pending");
  const rates = await referralRates(ctx);
  const levels: LevelStats[] = REFERRAL_LEVELS.map((level) => ({
    level,
    rateBp: rates[level],
    referrals: Number(counts.find((c) => Number(c.level) === level)?.n ?? 0),
    earned: total(
      paid.filter((r) => Number(r.level) === level),
      "kept",
    ),
    pending: total(
      pending.filter((r) => Number(r.level) === level),
      "kept",
    ),
  }));
  const nextAt = pending.map((r) => r.next_at).filter((d): d is string => !!d);
  return {
    code: user.referral_code,
    currency: await getSetting(ctx, "currency"),
    levels,
    totalReferrals: levels.reduce((t, l) => t + l.referrals, 0),
    totalEarned: total(paid, "kept"),
    thisMonthEarned: Number(month?.kept ?? 0),
    reversed: total(sums, "reversed"),
    pending: total(pending, "kept"),
    nextAvailableAt: nextAt.length ? nextAt.reduce((a, b) => (String(a) < String(b) ? a : b)) : null,
    awaitingApproval: total(
      sums.filter((r) => r.status === "awaiting_approval"),
      "kept",
    ),
    cancelled: total(sums, "cancelled"),
  };
}

export interface Referral {
  username: string;
  level: number;
  joined_at: string;
}

/** The users the caller brought in, per level: usernames and join dates only. */
export async function listReferrals(ctx: Ctx, q: ReferralsQuery): Promise<Page<Referral>> {
  const user = requireUser(ctx);
  let base = inTenant(ctx)
    .selectFrom("users")
    .innerJoin("referral_relationships", "referral_relationships.user_id", "users.id")
    .where("referral_relationships.referrer_id", "=", user.id)
    .where("users.deleted_at", "is", null);
  if (q.level) base = base.where("referral_relationships.level", "=", q.level);
  const count = await base.select((e) => e.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const rows = await base
    .select(["users.username", "referral_relationships.level", "users.created_at as joined_at"])
    .orderBy("users.created_at", "desc")
    .orderBy("users.id", "desc")
    .limit(q.per_page)
    .offset(offsetOf(q))
    .execute();
  return pageOf(
    rows.map((r) => ({ ...r, level: Number(r.level) })),
    count.n,
    q,
  );
}

export interface Commission {
  id: number;
  level: number;
  rate_bp: number;
  amount: number;
  cancelled_amount: number;
  reversed_amount: number;
  status: CommissionStatus;
  available_at: string | null;
  referred_username: string | null;
  created_at: string;
  updated_at: string;
}

/** The caller's commissions, paid or not yet, newest first. */
export async function listCommissions(ctx: Ctx, q: CommissionsQuery): Promise<Page<Commission>> {
  const user = requireUser(ctx);
  let base = ctx.db
    .selectFrom("referral_commissions")
    .leftJoin("users", "users.id", "referral_commissions.referred_user_id")
    .where("referral_commissions.referrer_id", "=", user.id);
  if (q.level) base = base.where("referral_commissions.level", "=", q.level);
  if (q.status) base = base.where("referral_commissions.status", "=", q.status);
  const count = await base.select((e) => e.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const rows = await base
    .select([
      "referral_commissions.id",
      "referral_commissions.level",
      "referral_commissions.rate_bp",
      "referral_commissions.amount",
      "referral_commissions.cancelled_amount",
      "referral_commissions.reversed_amount",
      "referral_commissions.status",
      "referral_commissions.available_at",
      "referral_commissions.created_at",
      "referral_commissions.updated_at",
      "users.username as referred_username",
    ])
    .orderBy("referral_commissions.created_at", "desc")
    .orderBy("referral_commissions.id", "desc")
    .limit(q.per_page)
    .offset(offsetOf(q))
    .execute();
  return pageOf(
    rows.map((r) => ({
      ...r,
      level: Number(r.level),
      amount: Number(r.amount),
      cancelled_amount: Number(r.cancelled_amount),
      reversed_amount: Number(r.reversed_amount),
    })),
    count.n,
    q,
  );
}

/** The caller's code and the registration link to share (built from APP_URL, never the request's Host). */
export function referralLink(ctx: Ctx): { code: string; url: string } {
  const user = requireUser(ctx);
  return { code: user.referral_code, url: `${ctx.config.APP_URL}/register?ref=${encodeURIComponent(user.referral_code)}` };
}
