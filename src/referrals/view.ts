import { formatMoney, formatPercent } from "../money/money.ts";
import { toIso } from "../lib/time.ts";
import type { Commission, Referral, ReferralStats } from "./service.ts";

export function referralStatsView(s: ReferralStats) {
  return {
    referral_code: s.code,
    currency: s.currency,
    total_referrals: s.totalReferrals,
    total_earned: formatMoney(s.totalEarned),
    this_month_earned: formatMoney(s.thisMonthEarned),
    reversed_total: formatMoney(s.reversed),
    levels: s.levels.map((l) => ({
      level: l.level,
      rate_bp: l.rateBp,
      rate_percent: formatPercent(l.rateBp),
      referrals: l.referrals,
      earned: formatMoney(l.earned),
    })),
  };
}

export function referralView(r: Referral) {
  return { username: r.username, level: r.level, joined_at: toIso(r.joined_at) };
}

export function commissionView(c: Commission) {
  return {
    id: c.id,
    level: c.level,
    rate_bp: c.rate_bp,
    rate_percent: formatPercent(c.rate_bp),
    amount: formatMoney(c.amount),
    reversed_amount: formatMoney(c.reversed_amount),
    kept: formatMoney(c.amount - c.reversed_amount),
    status: c.status,
    referred_username: c.referred_username,
    created_at: toIso(c.created_at),
    updated_at: toIso(c.updated_at),
  };
}
