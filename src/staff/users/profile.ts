import type { Ctx } from "../../context.ts";
import { dbNow } from "../../lib/time.ts";
import { inTenant } from "../../tenancy/scoped.ts";

/**
 * What staff see of a user's account beside the ledger, orders and tickets (read from their own
 * features): live sessions, API keys (prefix only, never the key or its hash) and the people the
 * user referred. Tenant-scoped like every staff verb; the caller has checked the user is the tenant's.
 */

export interface UserSessionRow {
  ip: string | null;
  user_agent: string | null;
  created_at: string;
  last_seen_at: string | null;
}

export function userSessions(ctx: Ctx, userId: number): Promise<UserSessionRow[]> {
  return inTenant(ctx)
    .selectFrom("sessions")
    .select(["ip", "user_agent", "created_at", "last_seen_at"])
    .where("user_id", "=", userId)
    .where("expires_at", ">", dbNow(ctx.clock))
    .orderBy("created_at", "desc")
    .limit(50)
    .execute();
}

export interface UserKeyRow {
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

export function userApiKeys(ctx: Ctx, userId: number): Promise<UserKeyRow[]> {
  return inTenant(ctx)
    .selectFrom("api_keys")
    .select(["name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"])
    .where("user_id", "=", userId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(50)
    .execute();
}

export interface UserReferralRow {
  id: number;
  username: string;
  level: number;
  joined_at: string;
}

/** The accounts the user brought in, every level, newest first. */
export async function userReferrals(ctx: Ctx, userId: number): Promise<UserReferralRow[]> {
  const rows = await inTenant(ctx)
    .selectFrom("users")
    .innerJoin("referral_relationships", "referral_relationships.user_id", "users.id")
    .select(["users.id", "users.username", "referral_relationships.level", "users.created_at as joined_at"])
    .where("referral_relationships.referrer_id", "=", userId)
    .where("users.deleted_at", "is", null)
    .orderBy("users.created_at", "desc")
    .orderBy("users.id", "desc")
    .limit(50)
    .execute();
  return rows.map((r) => ({ ...r, level: Number(r.level) }));
}
