import { formatMoney, formatPercent } from "../money/money.ts";
import { toIso } from "../lib/time.ts";
import type { ReferralFlag } from "./admin.ts";
import type { Commission, Referral, ReferralStats } from "./service.ts";

export function referralStatsView(s: ReferralStats) {
  return {
    referral_code: s.code,
    currency: s.currency,
    total_referrals: s.totalReferrals,
    total_earned: formatMoney(s.totalEarned),
    this_month_earned: formatMoney(s.thisMonthEarned),
    reversed_total: formatMoney(s.reversed),
    pending_total: formatMoney(s.pending),
    next_available_at: s.nextAvailableAt ? toIso(s.nextAvailableAt) : null,
    awaiting_approval_total: formatMoney(s.awaitingApproval),
    cancelled_total: formatMoney(s.cancelled),
    levels: s.levels.map((l) => ({
      level: l.level,
      rate_bp: l.rateBp,
      rate_percent: formatPercent(l.rateBp),
      referrals: l.referrals,
      earned: formatMoney(l.earned),
      pending: formatMoney(l.pending),
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
    cancelled_amount: formatMoney(c.cancelled_amount),
    reversed_amount: formatMoney(c.reversed_amount),
    /** What it pays (pending, awaiting approval) or paid and keeps (credited). */
    kept: formatMoney(c.amount - c.cancelled_amount - c.reversed_amount),
    status: c.status,
    /** When a pending commission is paid (the hold's end). */
    available_at: c.available_at ? toIso(c.available_at) : null,
    referred_username: c.referred_username,
    created_at: toIso(c.created_at),
    updated_at: toIso(c.updated_at),
  };
}

export function referralFlagView(f: ReferralFlag) {
  return {
    id: f.id,
    status: f.status,
    reason: f.reason,
    ip: f.ip,
    user: { id: f.user_id, username: f.username },
    referrer: { id: f.referrer_id, username: f.referrer_username },
    awaiting_approval: { count: f.awaiting_count, amount: formatMoney(f.awaiting) },
    reviewed_by: f.reviewed_by === null ? null : Number(f.reviewed_by),
    reviewed_at: f.reviewed_at ? toIso(f.reviewed_at) : null,
    created_at: toIso(f.created_at),
  };
}
