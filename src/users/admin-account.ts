import { randomBytes } from "node:crypto";
import type { Ctx } from "../context.ts";
import { registerUser } from "../auth/service.ts";
import type { User } from "../db/schema.ts";

/** The first start creates one admin with a random password, shown once. */
export async function ensureDemoAdmin(ctx: Ctx): Promise<{ user: User; password: string } | null> {
  const existing = await ctx.db.selectFrom("users").select("id").where("site_id", "=", 0).where("role", "=", "admin").executeTakeFirst();
  if (existing) return null;
  const password = randomBytes(12).toString("base64url");
  const user = await registerUser(ctx, { username: "admin", email: "admin@izyboost.local", password, role: "admin", welcome: false });
  return { user, password };
}
