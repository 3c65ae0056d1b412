import type { User } from "../db/schema.ts";
import { formatMoney } from "../money/money.ts";
import { toIso } from "../lib/time.ts";

/** What a user may see of their own account. */
export function accountView(user: User, currency: string) {
  return {
    id: user.id,
    uuid: user.uuid,
    username: user.username,
    email: user.email,
    email_verified: Boolean(user.email_verified_at),
    email_verified_at: toIso(user.email_verified_at),
    full_name: user.full_name,
    role: user.role,
    balance: formatMoney(user.balance),
    currency,
    referral_code: user.referral_code,
    language: user.language,
    is_banned: Boolean(user.is_banned),
    last_login_at: toIso(user.last_login_at),
    last_login_ip: user.last_login_ip,
    created_at: toIso(user.created_at),
  };
}
