import { sql } from "kysely";
import type { Ctx } from "../context.ts";
import { requireUser } from "../context.ts";
import { offsetOf, pageOf, type Page } from "../core/pagination.ts";
import { startOfUtcMonth } from "../lib/time.ts";
import type { Micro } from "../money/money.ts";
import { getIntSetting, getSetting } from "../settings/service.ts";
import type { CommissionsQuery, ReferralsQuery } from "./schema.ts";
import { inTenant } from "../tenancy/scoped.ts";

const LEVELS = [1, 2, 3] as const;
const RATE_SETTING = { 1: "referral_level_1_bp", 2: "referral_level_2_bp", 3: "referral_level_3_bp" } as const;

interface LevelStats {
  level: number;
  rateBp: number;
  referrals: number;
  earned: Micro;
}

export interface ReferralStats {
  code: string;
  currency: string;
  levels: LevelStats[];
  totalReferrals: number;
  totalEarned: Micro;
  thisMonthEarned: Micro;
  reversed: Micro;
}

/** The caller's referral network per level and what its commissions earned, net of clawbacks. */
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
  // What a commission still earns: its amount less what refunds already clawed back.
  const kept = sql<number>`sum(amount - reversed_amount)`;
  const sums = await ctx.db
    .selectFrom("referral_commissions")
    .select(["level", kept.as("kept"), (e) => e.fn.sum<number>("reversed_amount").as("reversed")])
    .where("referrer_id", "=", user.id)
    .groupBy("level")
    .execute();
  const month = await ctx.db
    .selectFrom("referral_commissions")
    .select(kept.as("kept"))
    .where("referrer_id", "=", user.id)
    .where("created_at", ">=", startOfUtcMonth(ctx.clock.now()))
    .executeTakeFirst();

  const levels: LevelStats[] = [];
  for (const level of LEVELS) {
    levels.push({
      level,
      rateBp: await getIntSetting(ctx, RATE_SETTING[level]),
      referrals: Number(counts.find((c) => Number(c.level) === level)?.n ?? 0),
      earned: Number(sums.find((s) => Number(s.level) === level)?.kept ?? 0),
    });
  }
  return {
    code: user.referral_code,
    currency: await getSetting(ctx, "currency"),
    levels,
    totalReferrals: levels.reduce((t, l) => t + l.referrals, 0),
    totalEarned: levels.reduce((t, l) => t + l.earned, 0),
    thisMonthEarned: Number(month?.kept ?? 0),
    reversed: sums.reduce((t, s) => t + Number(s.reversed ?? 0), 0),
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
  reversed_amount: number;
  status: "credited" | "reversed" | "reversal_pending";
  referred_username: string | null;
  created_at: string;
  updated_at: string;
}

/** The commissions credited to the caller, newest first. */
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
      "referral_commissions.reversed_amount",
      "referral_commissions.status",
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
    rows.map((r) => ({ ...r, level: Number(r.level), amount: Number(r.amount), reversed_amount: Number(r.reversed_amount) })),
    count.n,
    q,
  );
}

/** The caller's code and the registration link to share (built from APP_URL, never the request's Host). */
export function referralLink(ctx: Ctx): { code: string; url: string } {
  const user = requireUser(ctx);
  return { code: user.referral_code, url: `${ctx.config.APP_URL}/register?ref=${encodeURIComponent(user.referral_code)}` };
}
