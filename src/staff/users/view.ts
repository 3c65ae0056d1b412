import type { User } from "../../db/schema.ts";
import { formatMoney } from "../../money/money.ts";
import { toIso } from "../../lib/time.ts";
import type { UserStats } from "./service.ts";
import type { Adjustment } from "./balance.ts";
import type { UserPrice } from "./prices.ts";
import type { UserKeyRow, UserReferralRow, UserSessionRow } from "./profile.ts";

/** A user as an admin sees them (never the password hash). */
export function adminUserView(u: User) {
  return {
    id: u.id,
    uuid: u.uuid,
    username: u.username,
    email: u.email,
    full_name: u.full_name,
    phone: u.phone,
    role: u.role,
    balance: formatMoney(u.balance),
    language: u.language,
    referral_code: u.referral_code,
    referred_by: u.referred_by,
    is_banned: Boolean(u.is_banned),
    ban_reason: u.ban_reason,
    email_verified_at: toIso(u.email_verified_at),
    last_login_at: toIso(u.last_login_at),
    last_login_ip: u.last_login_ip,
    created_at: toIso(u.created_at),
    updated_at: toIso(u.updated_at),
  };
}

/** A user's orders and deposits, as an admin (or a reseller, for its customers) sees them. */
export function userStatsView(s: UserStats) {
  return {
    orders_count: s.ordersCount,
    total_spent: formatMoney(s.spent),
    total_deposited: formatMoney(s.deposited),
    deposits_count: s.depositsCount,
    pending_deposits: formatMoney(s.pendingDeposits),
  };
}

export function adminUserDetailView(u: User, s: UserStats) {
  return { ...adminUserView(u), stats: userStatsView(s) };
}

export function adjustmentView(a: Adjustment) {
  return {
    user_id: a.userId,
    transaction_id: a.transactionId,
    transaction_uuid: a.uuid,
    amount: formatMoney(a.amount),
    balance_before: formatMoney(a.balanceBefore),
    balance_after: formatMoney(a.balanceAfter),
  };
}

/** A user's own price of a service, beside the platform price (both per 1000 units). */
export function userPriceView(p: UserPrice) {
  return {
    service_id: p.service_id,
    service_name: p.service_name,
    rate: formatMoney(p.rate),
    platform_rate: formatMoney(p.platform_rate),
    updated_at: toIso(p.updated_at),
  };
}

export function userSessionView(s: UserSessionRow) {
  return { ip: s.ip, user_agent: s.user_agent, created_at: toIso(s.created_at), last_seen_at: toIso(s.last_seen_at ?? s.created_at) };
}

/** A key as staff see it: its name and visible prefix, never the key or its hash. */
export function userKeyView(k: UserKeyRow) {
  return {
    name: k.name,
    prefix: k.prefix,
    created_at: toIso(k.created_at),
    last_used_at: toIso(k.last_used_at),
    expires_at: toIso(k.expires_at),
    revoked_at: toIso(k.revoked_at),
  };
}

export function userReferralView(r: UserReferralRow) {
  return { id: r.id, username: r.username, level: r.level, joined_at: toIso(r.joined_at) };
}
