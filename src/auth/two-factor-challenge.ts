import { createHash } from "node:crypto";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import type { Ctx } from "../context.ts";
import { Validation } from "../core/errors.ts";
import type { Session, User } from "../db/schema.ts";
import { MINUTE, dbNow, fromDbTime } from "../lib/time.ts";
import { inTenant } from "../tenancy/scoped.ts";
import { createSession } from "./session.ts";
import { liveAccount } from "./single-use-token.ts";
import { verifySecondFactor } from "./two-factor.ts";

/** Between a correct password and the code: five minutes, once, on the tenant where the password was given. */
const CHALLENGE_LIFETIME = 5 * MINUTE;
const EXPIRED = { challenge: ["This sign-in has expired; sign in again with your password"] };

// Like sessions and reset links: the client holds a random token, only its SHA-256 is stored.
const challengeIdOf = (token: string) => createHash("sha256").update(`2fa:${token}`, "utf8").digest("hex");
const wellFormed = (token: string) => /^[a-z2-7]{32}$/.test(token);

export interface Challenge {
  challenge: string;
  expiresAt: string;
}

/** Opens the second step of a sign-in for a user whose password was correct. */
export async function createChallenge(ctx: Ctx, userId: number): Promise<Challenge> {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  const token = encodeBase32LowerCaseNoPadding(bytes);
  const expiresAt = dbNow(ctx.clock, CHALLENGE_LIFETIME);
  // A user's older challenges, spent or not, are done with.
  await inTenant(ctx).deleteFrom("two_factor_challenges").where("user_id", "=", userId).where("expires_at", "<=", dbNow(ctx.clock)).execute();
  await inTenant(ctx)
    .insertInto("two_factor_challenges", { id: challengeIdOf(token), user_id: userId, expires_at: expiresAt, created_at: dbNow(ctx.clock) })
    .execute();
  return { challenge: token, expiresAt };
}

async function liveChallenge(ctx: Ctx, token: string) {
  if (!wellFormed(token)) return null;
  const row = await inTenant(ctx).selectFrom("two_factor_challenges").selectAll().where("id", "=", challengeIdOf(token)).executeTakeFirst();
  return row && ctx.clock.now().getTime() < fromDbTime(row.expires_at).getTime() ? row : null;
}

/** The account a live challenge of this tenant belongs to (for the per-account throttle), else null. */
export async function challengeUserId(ctx: Ctx, token: string): Promise<number | null> {
  return (await liveChallenge(ctx, token))?.user_id ?? null;
}

/**
 * Completes a sign-in with its challenge and a code (TOTP or recovery): a session, once. A wrong code
 * leaves the challenge for another try (the per-account throttle counts them); a challenge of another
 * tenant, expired or used, is refused.
 */
export async function completeChallenge(
  ctx: Ctx,
  input: { challenge: string; code: string },
  meta: { ip?: string; userAgent?: string },
): Promise<{ token: string; session: Session; user: User; method: "totp" | "recovery" }> {
  const row = await liveChallenge(ctx, input.challenge);
  if (!row) throw new Validation(EXPIRED);
  const user = await liveAccount(ctx, row.user_id);
  if (!user) throw new Validation(EXPIRED);
  const method = await verifySecondFactor(ctx, user.id, input.code);
  // Deleting it is the claim: of two requests racing with one challenge, one signs in.
  const spent = await inTenant(ctx).deleteFrom("two_factor_challenges").where("id", "=", row.id).executeTakeFirst();
  if (Number(spent.numDeletedRows) !== 1) throw new Validation(EXPIRED);
  const now = dbNow(ctx.clock);
  await inTenant(ctx)
    .updateTable("users")
    .set({ last_login_at: now, last_login_ip: meta.ip ?? null, updated_at: now })
    .where("id", "=", user.id)
    .execute();
  const { token, session } = await createSession(ctx, user.id, meta);
  return { token, session, user: { ...user, last_login_at: now, last_login_ip: meta.ip ?? null }, method };
}
