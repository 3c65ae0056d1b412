import type { Ctx } from "../context.ts";
import { inTenant } from "../tenancy/scoped.ts";

/** The failed sign-in counter of one account of a tenant. */
export function accountKey(siteId: number, userId: number): string {
  return `${siteId}:u:${userId}`;
}

/** One counter per account, whether it is named by e-mail or username; per tenant, since accounts are. */
export async function failedLoginKey(ctx: Ctx, login: string): Promise<string> {
  const user = await inTenant(ctx)
    .selectFrom("users")
    .select("id")
    .where("deleted_at", "is", null)
    .where(login.includes("@") ? "email" : "username", "=", login.includes("@") ? login.toLowerCase() : login)
    .executeTakeFirst();
  return user ? accountKey(ctx.tenant.siteId, user.id) : `${ctx.tenant.siteId}:l:${login.toLowerCase()}`;
}
