import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import type { User } from "../db/schema.ts";
import { Validation } from "../core/errors.ts";
import { HOUR, dbNow } from "../lib/time.ts";
import { sendTenantMail } from "../notifications/mail.ts";
import { passwordResetEmail } from "../mail/templates.ts";
import { inTenant } from "../tenancy/scoped.ts";
import { claimToken, liveAccount, tokenIdOf } from "./single-use-token.ts";
import { dummyHash, hashPassword, verifyPassword } from "./password.ts";
import type { ChangePasswordInput, ForgotPasswordInput, ResetPasswordInput } from "./schema.ts";
import { forgetRecentSessions } from "./recent-sessions.ts";

const RESET_LIFETIME = HOUR;
const INVALID_TOKEN = { token: ["This reset link is invalid or has expired"] };

// Like sessions: the e-mail carries a random token, only its SHA-256 is stored.

/**
 * Sends a reset link to the account with this e-mail in the request's tenant, if there is one;
 * callers answer the same either way so that the endpoint does not reveal who has an account.
 */
export async function requestPasswordReset(ctx: Ctx, input: ForgotPasswordInput): Promise<void> {
  const user = await inTenant(ctx)
    .selectFrom("users")
    .selectAll()
    .where("email", "=", input.email)
    .where("deleted_at", "is", null)
    .where("is_banned", "=", 0)
    .executeTakeFirst();
  if (!user) return;
  await sendPasswordResetLink(ctx, user);
}

/** Mails the user a single-use reset link of their tenant (also sent by staff from the console). */
export async function sendPasswordResetLink(ctx: Ctx, user: User): Promise<void> {
  const token = await issueResetToken(ctx, user.id, RESET_LIFETIME);
  // The link proves the address: it goes to unverified addresses too.
  sendTenantMail(
    ctx,
    user,
    (p) => passwordResetEmail({ ...p, username: user.username, resetUrl: `${p.baseUrl}/password/reset?token=${encodeURIComponent(token)}` }),
    { unverified: "about-the-address" },
  );
}

/** A single-use reset token for the user (only its SHA-256 is stored), valid for `lifetimeMs`; also the first admin's setup link. */
export async function issueResetToken(ctx: Ctx, userId: number, lifetimeMs: number): Promise<string> {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  const token = encodeBase32LowerCaseNoPadding(bytes);
  await inTenant(ctx)
    .insertInto("password_reset_tokens", {
      id: tokenIdOf(token),
      user_id: userId,
      expires_at: dbNow(ctx.clock, lifetimeMs),
      created_at: dbNow(ctx.clock),
    })
    .execute();
  return token;
}

/** Sets the password a reset link allows, once; the user's other reset links and every session end. */
export async function resetPassword(ctx: Ctx, input: ResetPasswordInput): Promise<User> {
  const id = tokenIdOf(input.token);
  const passwordHash = await hashPassword(ctx, input.password);
  return withTransaction(ctx, async (tx) => {
    const row = await claimToken(tx, "password_reset_tokens", id);
    if (!row) throw new Validation(INVALID_TOKEN);
    const user = await liveAccount(tx, row.user_id);
    if (!user) throw new Validation(INVALID_TOKEN);
    await storePassword(tx, user.id, passwordHash);
    return user;
  });
}

/** A signed-in user's new password, given the current one; the user's other sessions end. */
export async function changePassword(ctx: Ctx, user: User, keepSessionId: string, input: ChangePasswordInput): Promise<void> {
  const ok = await verifyPassword(user.password_hash ?? (await dummyHash(ctx)), input.current_password);
  if (!ok) throw new Validation({ current_password: ["The current password is incorrect"] });
  const passwordHash = await hashPassword(ctx, input.password);
  await withTransaction(ctx, (tx) => storePassword(tx, user.id, passwordHash, keepSessionId));
}

/** The operator's way in (CLI): sets the password of the account with this e-mail in the context's tenant. */
export async function setPasswordByEmail(ctx: Ctx, email: string, password: string): Promise<User> {
  const user = await inTenant(ctx).selectFrom("users").selectAll().where("email", "=", email.trim().toLowerCase()).executeTakeFirst();
  if (!user) throw new Validation({ email: ["No account has this e-mail"] });
  const passwordHash = await hashPassword(ctx, password);
  await withTransaction(ctx, (tx) => storePassword(tx, user.id, passwordHash));
  return user;
}

/** One place where a password changes: the hash, and the end of sessions and pending reset links. */
async function storePassword(ctx: Ctx, userId: number, passwordHash: string, keepSessionId?: string): Promise<void> {
  const now = dbNow(ctx.clock);
  await ctx.db.updateTable("users").set({ password_hash: passwordHash, updated_at: now }).where("id", "=", userId).execute();
  forgetRecentSessions(ctx, { userId, except: keepSessionId });
  let sessions = ctx.db.deleteFrom("sessions").where("user_id", "=", userId);
  if (keepSessionId) sessions = sessions.where("id", "!=", keepSessionId);
  await sessions.execute();
  await ctx.db.deleteFrom("password_reset_tokens").where("user_id", "=", userId).execute();
}
