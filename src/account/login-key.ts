import type { Ctx } from "../context.ts";
import { inTenant } from "../tenancy/scoped.ts";

/** One counter per account, whether it is named by e-mail or username; per tenant, since accounts are. */
export async function failedLoginKey(ctx: Ctx, login: string): Promise<string> {
  const user = await inTenant(ctx)
    .selectFrom("users")
    .select("id")
    .where("deleted_at", "is", null)
    .where(login.includes("@") ? "email" : "username", "=", login.includes("@") ? login.toLowerCase() : login)
    .executeTakeFirst();
  return user ? `${ctx.tenant.siteId}:u:${user.id}` : `${ctx.tenant.siteId}:l:${login.toLowerCase()}`;
}
