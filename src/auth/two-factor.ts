import { isStaff } from "./roles.ts";
import { createHash, randomBytes } from "node:crypto";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import { requireUser, withTransaction, type Ctx } from "../context.ts";
import { Conflict, Validation } from "../core/errors.ts";
import type { User } from "../db/schema.ts";
import { writeAudit } from "../audit/audit.ts";
import { dbNow } from "../lib/time.ts";
import { openSecret, sealSecret } from "../lib/secret-box.ts";
import { twoFactorDisabledEmail } from "../mail/templates.ts";
import { sendTenantMail } from "../notifications/mail.ts";
import { getSetting } from "../settings/service.ts";
import { inTenant } from "../tenancy/scoped.ts";
import { verifyPassword } from "./password.ts";
import { matchingStep, newTotpSecret, otpauthUri } from "./totp.ts";
import { forgetRecentSessions } from "./recent-sessions.ts";

const RECOVERY_CODES = 10;
const WRONG_CODE = "The code is not valid";
const USED_CODE = "This code was already used; wait for the next one";

/** What the user sees of their two-factor sign-in. */
export interface TwoFactorStatus {
  enabled: boolean;
  /** An enrolment was started and waits for a first code. */
  pending: boolean;
  enabledAt: string | null;
  recoveryCodesLeft: number;
  /** This account must have it (an administrator, when the platform says so). */
  required: boolean;
}

/** A started enrolment: the secret to type or scan, once; it is stored sealed. */
interface Enrolment {
  secret: string;
  uri: string;
  issuer: string;
  account: string;
}

const recoveryHash = (code: string) => createHash("sha256").update(`recovery:${code}`, "utf8").digest("hex");
/** Recovery codes are typed by hand: case, spaces and dashes do not matter. */
const normalise = (code: string) => code.toLowerCase().replace(/[\s-]/g, "");
const sealContext = (userId: number) => `totp:${userId}`;

function twoFactorRow(ctx: Ctx, userId: number) {
  return inTenant(ctx).selectFrom("user_two_factor").selectAll().where("user_id", "=", userId).executeTakeFirst();
}

/** Whether a correct password is not enough for this account. */
export async function isTwoFactorEnabled(ctx: Ctx, userId: number): Promise<boolean> {
  return Boolean((await twoFactorRow(ctx, userId))?.enabled_at);
}

function mustHaveIt(ctx: Ctx, user: Pick<User, "role">): Promise<boolean> {
  // Every staff account (admin or support) opens the console, so the setting covers them all.
  if (!isStaff(user.role) || ctx.tenant.kind !== "platform") return Promise.resolve(false);
  return getSetting(ctx, "admin_two_factor_required").then((v) => v === "1");
}

/** A platform admin who must enrol before the admin console: the setting is on and the account has no second factor. */
export async function mustEnrolTwoFactor(ctx: Ctx, user: Pick<User, "id" | "role">): Promise<boolean> {
  return (await mustHaveIt(ctx, user)) && !(await isTwoFactorEnabled(ctx, user.id));
}

export async function twoFactorStatus(ctx: Ctx): Promise<TwoFactorStatus> {
  const user = requireUser(ctx);
  const row = await twoFactorRow(ctx, user.id);
  const left = row?.enabled_at
    ? await inTenant(ctx)
        .selectFrom("two_factor_recovery_codes")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("user_id", "=", user.id)
        .where("used_at", "is", null)
        .executeTakeFirst()
    : null;
  return {
    enabled: Boolean(row?.enabled_at),
    pending: Boolean(row && !row.enabled_at),
    enabledAt: row?.enabled_at ?? null,
    recoveryCodesLeft: Number(left?.n ?? 0),
    required: await mustHaveIt(ctx, user),
  };
}

/** The tenant's name in the user's authenticator app: the site's name on a site, the platform's name setting on the platform. */
async function issuerOf(ctx: Ctx): Promise<string> {
  return ctx.tenant.kind === "site" ? ctx.tenant.site.name : await getSetting(ctx, "site_name");
}

/** Starts (or starts again) an enrolment with a new secret; two-factor is on only once a code confirms it. */
export async function startEnrolment(ctx: Ctx): Promise<Enrolment> {
  const user = requireUser(ctx);
  const row = await twoFactorRow(ctx, user.id);
  if (row?.enabled_at) throw new Conflict("Two-factor sign-in is already on; turn it off first to use another app", "two_factor_already_enabled");
  const secret = newTotpSecret();
  const sealed = sealSecret(secret, ctx.config.DATA_ENCRYPTION_KEY, sealContext(user.id));
  const now = dbNow(ctx.clock);
  if (row) {
    await inTenant(ctx)
      .updateTable("user_two_factor")
      .set({ secret: sealed, last_used_step: null, updated_at: now })
      .where("user_id", "=", user.id)
      .where("enabled_at", "is", null)
      .execute();
  } else {
    await inTenant(ctx).insertInto("user_two_factor", { user_id: user.id, secret: sealed, created_at: now, updated_at: now }).execute();
  }
  const issuer = await issuerOf(ctx);
  return { secret, uri: otpauthUri(issuer, user.email, secret), issuer, account: user.email };
}

/** The enrolment that waits for its first code (its secret may be shown again until then), or null. */
export async function pendingEnrolment(ctx: Ctx): Promise<Enrolment | null> {
  const user = requireUser(ctx);
  const row = await twoFactorRow(ctx, user.id);
  if (!row || row.enabled_at) return null;
  const secret = openSecret(row.secret, ctx.config.DATA_ENCRYPTION_KEY, sealContext(user.id));
  const issuer = await issuerOf(ctx);
  return { secret, uri: otpauthUri(issuer, user.email, secret), issuer, account: user.email };
}

/**
 * Accepts a TOTP code of the user's secret once: the step it belongs to must be later than the last
 * one used, and claiming it is one conditional update, so two requests with one code cannot both pass.
 */
async function useTotp(ctx: Ctx, row: { user_id: number; secret: string; last_used_step: number | null }, code: string): Promise<boolean> {
  const secret = openSecret(row.secret, ctx.config.DATA_ENCRYPTION_KEY, sealContext(row.user_id));
  const step = matchingStep(secret, code, ctx.clock.now());
  if (step === null) throw new Validation({ code: [WRONG_CODE] });
  const claimed = await inTenant(ctx)
    .updateTable("user_two_factor")
    .set({ last_used_step: step })
    .where("user_id", "=", row.user_id)
    .where((eb) => eb.or([eb("last_used_step", "is", null), eb("last_used_step", "<", step)]))
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) throw new Validation({ code: [USED_CODE] });
  return true;
}

async function useRecoveryCode(ctx: Ctx, userId: number, code: string): Promise<boolean> {
  const used = await inTenant(ctx)
    .updateTable("two_factor_recovery_codes")
    .set({ used_at: dbNow(ctx.clock) })
    .where("user_id", "=", userId)
    .where("code_hash", "=", recoveryHash(normalise(code)))
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(used.numUpdatedRows) === 1;
}

/** Checks the second factor of an account that has it on: a current TOTP code (once) or an unused recovery code (spent). */
export async function verifySecondFactor(ctx: Ctx, userId: number, code: string): Promise<"totp" | "recovery"> {
  const row = await twoFactorRow(ctx, userId);
  if (!row?.enabled_at) throw new Validation({ code: [WRONG_CODE] });
  const typed = code.replace(/\s/g, "");
  if (/^\d{6}$/.test(typed)) return useTotp(ctx, row, typed).then(() => "totp");
  if (typed.length >= 10 && typed.length <= 40 && (await useRecoveryCode(ctx, userId, typed))) return "recovery";
  throw new Validation({ code: [WRONG_CODE] });
}

function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODES }, () => {
    const code = encodeBase32LowerCaseNoPadding(randomBytes(7)).slice(0, 10);
    return `${code.slice(0, 5)}-${code.slice(5)}`;
  });
}

async function replaceRecoveryCodes(ctx: Ctx, userId: number): Promise<string[]> {
  const codes = newRecoveryCodes();
  const now = dbNow(ctx.clock);
  await inTenant(ctx).deleteFrom("two_factor_recovery_codes").where("user_id", "=", userId).execute();
  await inTenant(ctx)
    .insertInto(
      "two_factor_recovery_codes",
      codes.map((c) => ({ user_id: userId, code_hash: recoveryHash(normalise(c)), created_at: now })),
    )
    .execute();
  return codes;
}

/** Every session of the user on this tenant but the one asking: a change of how the account signs in ends the others. */
async function endOtherSessions(ctx: Ctx, userId: number, keepSessionId: string): Promise<void> {
  forgetRecentSessions(ctx, { userId, except: keepSessionId });
  await inTenant(ctx).deleteFrom("sessions").where("user_id", "=", userId).where("id", "!=", keepSessionId).execute();
}

/** Turns two-factor on with the first code of the enrolled secret; returns the recovery codes, shown this once. */
export async function confirmEnrolment(ctx: Ctx, code: string, keepSessionId: string): Promise<string[]> {
  const user = requireUser(ctx);
  return withTransaction(ctx, async (tx) => {
    const row = await twoFactorRow(tx, user.id);
    if (!row) throw new Conflict("Start the enrolment first", "two_factor_not_started");
    if (row.enabled_at) throw new Conflict("Two-factor sign-in is already on", "two_factor_already_enabled");
    await useTotp(tx, row, code.replace(/\s/g, ""));
    const now = dbNow(tx.clock);
    await inTenant(tx).updateTable("user_two_factor").set({ enabled_at: now, updated_at: now }).where("user_id", "=", user.id).execute();
    const codes = await replaceRecoveryCodes(tx, user.id);
    await endOtherSessions(tx, user.id, keepSessionId);
    await writeAudit(tx, { action: "two_factor.enable", targetType: "user", targetId: user.id });
    return codes;
  });
}

/** New recovery codes (the old ones stop working), given a current code or the password. */
export async function regenerateRecoveryCodes(ctx: Ctx, proof: { code?: string; password?: string }): Promise<string[]> {
  const user = requireUser(ctx);
  if (!(await isTwoFactorEnabled(ctx, user.id))) throw new Conflict("Two-factor sign-in is off", "two_factor_not_enabled");
  if (proof.code) await verifySecondFactor(ctx, user.id, proof.code);
  else if (!proof.password || !(await verifyPassword(user.password_hash, proof.password))) throw new Validation({ password: ["The password is incorrect"] });
  return withTransaction(ctx, async (tx) => {
    const codes = await replaceRecoveryCodes(tx, user.id);
    await writeAudit(tx, { action: "two_factor.recovery_codes", targetType: "user", targetId: user.id });
    return codes;
  });
}

/** Turns two-factor off, given the password and a code (or a recovery code); other sessions end and the user is told by e-mail. */
export async function disableTwoFactor(ctx: Ctx, proof: { password: string; code: string }, keepSessionId: string): Promise<void> {
  const user = requireUser(ctx);
  if (!(await isTwoFactorEnabled(ctx, user.id))) throw new Conflict("Two-factor sign-in is off", "two_factor_not_enabled");
  // The password first: a wrong one must not spend a recovery code.
  if (!(await verifyPassword(user.password_hash, proof.password))) throw new Validation({ password: ["The password is incorrect"] });
  await verifySecondFactor(ctx, user.id, proof.code);
  await withTransaction(ctx, async (tx) => {
    await inTenant(tx).deleteFrom("two_factor_recovery_codes").where("user_id", "=", user.id).execute();
    await inTenant(tx).deleteFrom("two_factor_challenges").where("user_id", "=", user.id).execute();
    await inTenant(tx).deleteFrom("user_two_factor").where("user_id", "=", user.id).execute();
    await endOtherSessions(tx, user.id, keepSessionId);
    await writeAudit(tx, { action: "two_factor.disable", targetType: "user", targetId: user.id });
  });
  sendTenantMail(ctx, user, (p) => twoFactorDisabledEmail({ ...p, username: user.username, settingsUrl: `${p.baseUrl}/account/settings` }));
}
