import type { Ctx } from "../context.ts";
import { registerUser } from "../auth/service.ts";
import { generatePassword } from "../auth/password.ts";
import type { User } from "../db/schema.ts";
import { onPlatform } from "../tenancy/scoped.ts";
import { issueResetToken } from "../auth/password-reset.ts";
import { DAY } from "../lib/time.ts";

const SETUP_LINK_LIFETIME = DAY;

/** A one-time link (the password-reset page with a single-use token) that sets the account's password. */
export async function setupLink(ctx: Ctx, user: Pick<User, "id">): Promise<string> {
  const token = await issueResetToken(ctx, user.id, SETUP_LINK_LIFETIME);
  return `${ctx.config.APP_URL}/password/reset?token=${encodeURIComponent(token)}`;
}

/**
 * Production's first start: the first admin is made with a password nobody knows (never printed) and a
 * one-time setup link, valid a day, is returned to be printed once. Null when an admin exists.
 */
export async function ensureFirstAdmin(ctx: Ctx): Promise<{ user: User; link: string } | null> {
  const existing = await onPlatform(ctx.db).selectFrom("users").select("id").where("role", "=", "admin").executeTakeFirst();
  if (existing) return null;
  const email = ctx.config.ADMIN_EMAIL ?? `admin@${new URL(ctx.config.APP_URL).hostname}`;
  const user = await registerUser(ctx, { username: "admin", email, password: generatePassword(), role: "admin", welcome: false, emailVerified: true });
  return { user, link: await setupLink(ctx, user) };
}

/** The first start creates one admin with a random password, shown once. */
export async function ensureDemoAdmin(ctx: Ctx): Promise<{ user: User; password: string } | null> {
  // The demo admin is the platform's, whatever ctx the start-up passes.
  const existing = await onPlatform(ctx.db).selectFrom("users").select("id").where("role", "=", "admin").executeTakeFirst();
  if (existing) return null;
  const password = generatePassword();
  const user = await registerUser(ctx, { username: "admin", email: "admin@izyboost.local", password, role: "admin", welcome: false, emailVerified: true });
  return { user, password };
}
