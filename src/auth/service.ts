import type { Role } from "./roles.ts";
import { randomUUID } from "node:crypto";
import { encodeBase32UpperCaseNoPadding } from "@oslojs/encoding";
import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import type { Session, User } from "../db/schema.ts";
import { Forbidden, Unauthorized, Validation } from "../core/errors.ts";
import { dbNow } from "../lib/time.ts";
import { dummyHash, hashPassword, verifyPassword } from "./password.ts";
import { createSession } from "./session.ts";
import { isTwoFactorEnabled } from "./two-factor.ts";
import { createChallenge, type Challenge } from "./two-factor-challenge.ts";
import type { LoginInput, RegisterInput } from "./schema.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { sendTenantMail } from "../notifications/mail.ts";
import { welcomeEmail } from "../mail/templates.ts";
import { assertRoomForCustomer } from "../tenancy/plan-limits.ts";
import { inTenant } from "../tenancy/scoped.ts";
import { sendVerificationLink } from "./email-verification.ts";
import { noteReferralAddress } from "../referrals/flags.ts";

function referralCode(): string {
  const b = new Uint8Array(5);
  crypto.getRandomValues(b);
  return encodeBase32UpperCaseNoPadding(b);
}

/**
 * Creates an account in the request's tenant (platform users and each site's customers are separate).
 * The address gets a verification link and the welcome; `emailVerified` is for accounts an operator
 * makes (the demo admin, the CLI), whose address they vouch for. The address it registered from is
 * kept: a referred account that shares it with a referrer is flagged. A site at its plan's
 * maximum of customers takes no new one (403 `site_full`).
 */
export async function registerUser(
  ctx: Ctx,
  input: RegisterInput & { role?: Role; welcome?: boolean; emailVerified?: boolean },
  meta: { ip?: string } = {},
): Promise<User> {
  await assertRoomForCustomer(ctx);
  const clash = await inTenant(ctx)
    .selectFrom("users")
    .select(["email", "username"])
    .where((eb) => eb.or([eb("email", "=", input.email), eb("username", "=", input.username)]))
    .execute();
  const errors: Record<string, string[]> = {};
  if (clash.some((u) => u.email === input.email)) errors.email = ["This e-mail is already registered"];
  if (clash.some((u) => u.username.toLowerCase() === input.username.toLowerCase())) errors.username = ["This username is already taken"];
  let referrer: User | undefined;
  if (input.referral_code) {
    referrer = await inTenant(ctx).selectFrom("users").selectAll().where("referral_code", "=", input.referral_code.toUpperCase()).executeTakeFirst();
    if (!referrer) errors.referral_code = ["Unknown referral code"];
  }
  if (Object.keys(errors).length) throw new Validation(errors);

  const passwordHash = await hashPassword(ctx, input.password);
  const now = dbNow(ctx.clock);
  let user: User;
  try {
    user = await withTransaction(ctx, async (tx) => {
      // The plan's maximum holds under concurrent sign-ups: on MariaDB the site's row is locked and the
      // count taken again inside the transaction (SQLite runs one writing transaction at a time).
      if (tx.tenant.kind === "site") {
        if (tx.dialect === "mysql") await tx.db.selectFrom("white_label_sites").select("id").where("id", "=", tx.tenant.siteId).forUpdate().execute();
        await assertRoomForCustomer(tx);
      }
      const uuid = randomUUID();
      const res = await inTenant(tx)
        .insertInto("users", {
          uuid,
          username: input.username,
          email: input.email,
          password_hash: passwordHash,
          role: input.role ?? "user",
          referral_code: referralCode(),
          referred_by: referrer?.id ?? null,
          language: input.language ?? (ctx.tenant.kind === "site" ? ctx.tenant.site.language : "fr"),
          full_name: input.full_name ?? null,
          email_verified_at: input.emailVerified ? now : null,
          registration_ip: meta.ip ?? null,
          created_at: now,
          updated_at: now,
        })
        .executeTakeFirstOrThrow();
      const id = Number(res.insertId);
      if (referrer) {
        // Up to three levels: the referrer, and the referrer's own level-1 and level-2 referrers.
        const upline = await tx.db
          .selectFrom("referral_relationships")
          .select(["referrer_id", "level"])
          .where("user_id", "=", referrer.id)
          .where("level", "<", 3)
          .execute();
        const rows = [{ referrer_id: referrer.id, level: 1 }, ...upline.map((u) => ({ referrer_id: u.referrer_id, level: u.level + 1 }))];
        await tx.db
          .insertInto("referral_relationships")
          .values(rows.map((r) => ({ ...r, user_id: id, created_at: now, updated_at: now })))
          .execute();
      }
      return tx.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    });
  } catch (err) {
    // Two sign-ups raced past the check above: the unique index decides.
    if (isUniqueViolation(err)) throw new Validation({ email: ["This e-mail or username is already registered"] });
    throw err;
  }
  const u = user;
  if (!u.email_verified_at) await sendVerificationLink(ctx, u);
  if (referrer) await noteReferralAddress(ctx, user.id, meta.ip, "registration_address");
  if (input.welcome !== false) {
    sendTenantMail(ctx, u, (p) => welcomeEmail({ ...p, username: u.username, loginUrl: `${p.baseUrl}/login` }), { unverified: "just-registered" });
  }
  return user;
}

/** A correct password: a session, or the challenge of the second step when the account has two-factor sign-in on. */
type LoginResult = { kind: "session"; token: string; session: Session; user: User } | { kind: "two_factor"; challenge: Challenge; user: User };

export async function loginUser(ctx: Ctx, input: LoginInput, meta: { ip?: string; userAgent?: string }): Promise<LoginResult> {
  const login = input.login.trim();
  const user = await inTenant(ctx)
    .selectFrom("users")
    .selectAll()
    .where("deleted_at", "is", null)
    .where(login.includes("@") ? "email" : "username", "=", login.includes("@") ? login.toLowerCase() : login)
    .executeTakeFirst();
  const ok = await verifyPassword(user?.password_hash ?? (await dummyHash(ctx)), input.password);
  if (!user || !ok) throw new Unauthorized("These credentials do not match our records", "invalid_credentials");
  if (user.is_banned) throw new Forbidden("This account is suspended", "account_banned");
  if (await isTwoFactorEnabled(ctx, user.id)) return { kind: "two_factor", challenge: await createChallenge(ctx, user.id), user };
  const now = dbNow(ctx.clock);
  await ctx.db
    .updateTable("users")
    .set({ last_login_at: now, last_login_ip: meta.ip ?? null, updated_at: now })
    .where("id", "=", user.id)
    .execute();
  const { token, session } = await createSession(ctx, user.id, meta);
  await noteReferralAddress(ctx, user.id, meta.ip, "login_address");
  return { kind: "session", token, session, user: { ...user, last_login_at: now, last_login_ip: meta.ip ?? null } };
}
