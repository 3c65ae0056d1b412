import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import type { Ctx } from "../context.ts";
import { requireUser, withTransaction } from "../context.ts";
import type { EmailTokensTable, User } from "../db/schema.ts";
import { Conflict, TooManyRequests, Validation } from "../core/errors.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { DAY, HOUR, dbNow } from "../lib/time.ts";
import { addressEmail } from "../mail/templates.ts";
import { sendTenantMail } from "../notifications/mail.ts";
import { inTenant } from "../tenancy/scoped.ts";
import { claimToken, liveAccount, tokenIdOf } from "./single-use-token.ts";
import { dummyHash, verifyPassword } from "./password.ts";
import type { ChangeEmailInput } from "./schema.ts";

const LINK_LIFETIME = DAY;
/** Links of one kind an account may be sent per hour (the one sent at sign-up counts). */
const LINKS_PER_HOUR = 5;
const INVALID_TOKEN = { token: ["This link is invalid or has expired"] };
const TAKEN = "This e-mail is already registered";

type Purpose = EmailTokensTable["purpose"];
type Recipient = Pick<User, "id" | "username" | "email" | "language">;

// Like password reset links: the e-mail carries a random token, only its SHA-256 is stored.

/** Refuses a new link when this account already got its share of this kind within the hour. */
async function refuseTooManyLinks(ctx: Ctx, userId: number, purpose: Purpose): Promise<void> {
  const row = await inTenant(ctx)
    .selectFrom("email_tokens")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("user_id", "=", userId)
    .where("purpose", "=", purpose)
    .where("created_at", ">", dbNow(ctx.clock, -HOUR))
    .executeTakeFirst();
  if (Number(row?.n ?? 0) >= LINKS_PER_HOUR) throw new TooManyRequests("Too many e-mails were sent to this account; try again in an hour");
}

/** A new single-use link for `email`, bound to the tenant and the user; returns the token the e-mail carries. */
async function issueLink(ctx: Ctx, userId: number, purpose: Purpose, email: string): Promise<string> {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  const token = encodeBase32LowerCaseNoPadding(bytes);
  await inTenant(ctx)
    .insertInto("email_tokens", {
      id: tokenIdOf(token),
      user_id: userId,
      purpose,
      email,
      expires_at: dbNow(ctx.clock, LINK_LIFETIME),
      created_at: dbNow(ctx.clock),
    })
    .execute();
  return token;
}

const verifyUrl = (baseUrl: string, token: string) => `${baseUrl}/email/verify?token=${encodeURIComponent(token)}`;

/** Sends the link that proves the account's own address (at sign-up and on request), in the tenant's name. */
export async function sendVerificationLink(ctx: Ctx, user: Recipient): Promise<void> {
  const token = await issueLink(ctx, user.id, "verify", user.email);
  const to = { email: user.email, language: user.language, email_verified_at: null };
  sendTenantMail(ctx, to, (p) => addressEmail({ ...p, username: user.username, url: verifyUrl(p.baseUrl, token) }, "email_verify"), {
    unverified: "about-the-address",
  });
}

/** The signed-in user asks for the verification link again: 409 once verified, 429 past the hourly share. */
export async function resendVerificationLink(ctx: Ctx): Promise<void> {
  const user = requireUser(ctx);
  if (user.email_verified_at) throw new Conflict("This e-mail address is already verified", "email_already_verified");
  await refuseTooManyLinks(ctx, user.id, "verify");
  await sendVerificationLink(ctx, user);
}

async function addressTaken(ctx: Ctx, email: string, exceptUserId: number): Promise<boolean> {
  const row = await inTenant(ctx).selectFrom("users").select("id").where("email", "=", email).where("id", "!=", exceptUserId).executeTakeFirst();
  return Boolean(row);
}

/**
 * A new address for the signed-in user, given the current password: the new address gets a link that
 * makes the change (it replaces any earlier pending one), the current address a notice. Nothing
 * changes until the link is used.
 */
export async function requestEmailChange(ctx: Ctx, input: ChangeEmailInput): Promise<{ email: string; expiresAt: string }> {
  const user = requireUser(ctx);
  const ok = await verifyPassword(user.password_hash ?? (await dummyHash(ctx)), input.current_password);
  if (!ok) throw new Validation({ current_password: ["The current password is incorrect"] });
  if (input.email === user.email) throw new Validation({ email: ["This is already your e-mail address"] });
  if (await addressTaken(ctx, input.email, user.id)) throw new Validation({ email: [TAKEN] });
  await refuseTooManyLinks(ctx, user.id, "change");
  const token = await withTransaction(ctx, async (tx) => {
    await inTenant(tx).deleteFrom("email_tokens").where("user_id", "=", user.id).where("purpose", "=", "change").execute();
    return issueLink(tx, user.id, "change", input.email);
  });
  const newAddress = { email: input.email, language: user.language, email_verified_at: null };
  sendTenantMail(ctx, newAddress, (p) => addressEmail({ ...p, username: user.username, url: verifyUrl(p.baseUrl, token) }, "email_change"), {
    unverified: "about-the-address",
  });
  sendTenantMail(
    ctx,
    user,
    (p) => addressEmail({ ...p, username: user.username, email: input.email, url: `${p.baseUrl}/account/settings` }, "email_change_requested"),
    { unverified: "about-the-address" },
  );
  return { email: input.email, expiresAt: dbNow(ctx.clock, LINK_LIFETIME) };
}

/** The address change waiting for its link, if any (the latest, still valid). */
export async function pendingEmailChange(ctx: Ctx, userId: number): Promise<{ email: string; expiresAt: string } | null> {
  const row = await inTenant(ctx)
    .selectFrom("email_tokens")
    .select(["email", "expires_at"])
    .where("user_id", "=", userId)
    .where("purpose", "=", "change")
    .where("expires_at", ">", dbNow(ctx.clock))
    .orderBy("created_at", "desc")
    .executeTakeFirst();
  return row ? { email: row.email, expiresAt: row.expires_at } : null;
}

interface UsedLink {
  user: User;
  purpose: Purpose;
  /** The address before a change (null when the link only proved the address). */
  previousEmail: string | null;
}

/**
 * Uses a link once, on the tenant it was made for: marks the address verified, or makes the change
 * it confirms if the new address is still free on this tenant (409 otherwise). Expired, used, another
 * tenant's or an address that is no longer the account's: 422 on `token`.
 */
export async function useEmailLink(ctx: Ctx, token: string): Promise<UsedLink> {
  const id = tokenIdOf(token);
  const used = await withTransaction(ctx, async (tx): Promise<UsedLink> => {
    const row = await claimToken(tx, "email_tokens", id);
    if (!row) throw new Validation(INVALID_TOKEN);
    const user = await liveAccount(tx, row.user_id);
    if (!user) throw new Validation(INVALID_TOKEN);
    const now = dbNow(tx.clock);
    if (row.purpose === "verify") {
      // A link proves the address it was sent to, not whatever the account uses now.
      if (user.email !== row.email) throw new Validation(INVALID_TOKEN);
      await inTenant(tx)
        .updateTable("users")
        .set({ email_verified_at: user.email_verified_at ?? now, updated_at: now })
        .where("id", "=", user.id)
        .execute();
      return { user: { ...user, email_verified_at: user.email_verified_at ?? now }, purpose: "verify", previousEmail: null };
    }
    if (await addressTaken(tx, row.email, user.id)) throw new Conflict(TAKEN, "email_taken");
    await inTenant(tx).updateTable("users").set({ email: row.email, email_verified_at: now, updated_at: now }).where("id", "=", user.id).execute();
    // Links sent to the old address prove nothing any more.
    await inTenant(tx).deleteFrom("email_tokens").where("user_id", "=", user.id).where("purpose", "=", "verify").execute();
    return { user: { ...user, email: row.email, email_verified_at: now }, purpose: "change", previousEmail: user.email };
  }).catch((err: unknown) => {
    // Another account took the address between the check and the update: the unique index decides.
    if (isUniqueViolation(err)) throw new Conflict(TAKEN, "email_taken");
    throw err;
  });
  if (used.previousEmail) {
    const old = { email: used.previousEmail, language: used.user.language, email_verified_at: null };
    sendTenantMail(
      ctx,
      old,
      (p) => addressEmail({ ...p, username: used.user.username, email: used.user.email, url: `${p.baseUrl}/account/settings` }, "email_changed"),
      { unverified: "about-the-address" },
    );
  }
  return used;
}
