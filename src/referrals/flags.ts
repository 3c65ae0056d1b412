import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import type { ReferralFlagsTable } from "../db/schema.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { both, notice } from "../i18n/i18n.ts";
import { addressList } from "../lib/ip.ts";
import { dbNow } from "../lib/time.ts";
import { notifyAdmins } from "../providers/notices.ts";
import { inTenant } from "../tenancy/scoped.ts";

export type FlagReason = ReferralFlagsTable["reason"];
export type FlagStatus = "flagged" | "approved" | "rejected";

// Every local request comes from loopback (development, a proxy without forwarding set up): it tells nothing about who is behind it.
const UNTELLING = addressList(["127.0.0.0/8", "::1/128", "0.0.0.0/32", "::/128"]);

/** The review state of a referred account's flag; null when it was never flagged. */
export async function referralFlagOf(ctx: Ctx, userId: number): Promise<FlagStatus | null> {
  const flag = await ctx.db.selectFrom("referral_flags").select("status").where("user_id", "=", userId).executeTakeFirst();
  return flag?.status ?? null;
}

/** Which of `userIds` (of the ctx's tenant) registered, last signed in, or hold a session from `ip`. */
async function seenAt(ctx: Ctx, userIds: number[], ip: string): Promise<Set<number>> {
  if (!userIds.length) return new Set();
  const byAccount = await inTenant(ctx)
    .selectFrom("users")
    .select("id")
    .where("id", "in", userIds)
    .where((eb) => eb.or([eb("registration_ip", "=", ip), eb("last_login_ip", "=", ip)]))
    .execute();
  const bySession = await inTenant(ctx).selectFrom("sessions").select("user_id as id").where("user_id", "in", userIds).where("ip", "=", ip).execute();
  return new Set([...byAccount, ...bySession].map((r) => Number(r.id)));
}

/**
 * An account used `ip` to register or sign in. When one of its referrers (any level) was seen at the
 * same address, the account is flagged; when one of the accounts it referred was, that account is.
 * Loopback addresses are ignored. Returns how many accounts were newly flagged.
 */
export async function noteReferralAddress(ctx: Ctx, userId: number, ip: string | null | undefined, reason: FlagReason): Promise<number> {
  if (!ip || UNTELLING.has(ip)) return 0;
  let flagged = 0;
  const upline = await ctx.db.selectFrom("referral_relationships").select("referrer_id").where("user_id", "=", userId).orderBy("level").execute();
  const referrers = await seenAt(
    ctx,
    upline.map((r) => r.referrer_id),
    ip,
  );
  const referrer = upline.find((r) => referrers.has(Number(r.referrer_id)));
  if (referrer && (await flagReferral(ctx, { userId, referrerId: referrer.referrer_id, reason, ip }))) flagged++;

  const downline = await ctx.db.selectFrom("referral_relationships").select("user_id").where("referrer_id", "=", userId).execute();
  const referred = await seenAt(
    ctx,
    downline.map((r) => r.user_id),
    ip,
  );
  for (const id of referred) if (await flagReferral(ctx, { userId: id, referrerId: userId, reason, ip })) flagged++;
  return flagged;
}

/**
 * Flags a referred account, once: its pending commissions wait for an admin (awaiting_approval),
 * and the platform's admins get one notice. An account already flagged, approved or rejected stays as
 * the admins left it. Returns whether the account was newly flagged.
 */
async function flagReferral(ctx: Ctx, f: { userId: number; referrerId: number; reason: FlagReason; ip: string }): Promise<boolean> {
  try {
    return await withTransaction(ctx, async (tx) => {
      if (await referralFlagOf(tx, f.userId)) return false;
      const now = dbNow(tx.clock);
      const res = await inTenant(tx)
        .insertInto("referral_flags", {
          user_id: f.userId,
          referrer_id: f.referrerId,
          reason: f.reason,
          ip: f.ip,
          status: "flagged",
          created_at: now,
          updated_at: now,
        })
        .executeTakeFirstOrThrow();
      await tx.db
        .updateTable("referral_commissions")
        .set({ status: "awaiting_approval", updated_at: now })
        .where("referred_user_id", "=", f.userId)
        .where("status", "=", "pending")
        .execute();
      // Platform admins review the platform's referrals (the admin API does not reach a site's customers).
      if (tx.tenant.kind === "platform") {
        const names = await tx.db.selectFrom("users").select(["id", "username"]).where("id", "in", [f.userId, f.referrerId]).execute();
        const name = (id: number) => names.find((n) => Number(n.id) === id)?.username ?? `#${id}`;
        await notifyAdmins(tx, {
          type: "referral_flagged",
          data: { flag_id: Number(res.insertId), user_id: f.userId, referrer_id: f.referrerId },
          ...notice("referral.flagged", { username: name(f.userId), referrer: name(f.referrerId), ip: f.ip, reason: both(`referral.reason.${f.reason}`) }),
        });
      }
      return true;
    });
  } catch (err) {
    // Two sign-ins flagged the same account at once: the unique index kept one flag and one notice.
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}
