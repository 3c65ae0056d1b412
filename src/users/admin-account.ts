import type { Ctx } from "../context.ts";
import { registerUser } from "../auth/service.ts";
import { generatePassword } from "../auth/password.ts";
import type { User } from "../db/schema.ts";
import { onPlatform } from "../tenancy/scoped.ts";

/** The first start creates one admin with a random password, shown once. */
export async function ensureDemoAdmin(ctx: Ctx): Promise<{ user: User; password: string } | null> {
  // The demo admin is the platform's, whatever ctx the start-up passes.
  const existing = await onPlatform(ctx.db).selectFrom("users").select("id").where("role", "=", "admin").executeTakeFirst();
  if (existing) return null;
  const password = generatePassword();
  const user = await registerUser(ctx, { username: "admin", email: "admin@izyboost.local", password, role: "admin", welcome: false, emailVerified: true });
  return { user, password };
}
