import type { Ctx } from "../context.ts";
import { requireUser } from "../context.ts";
import { getSetting } from "../settings/service.ts";
import { inTenant } from "../tenancy/scoped.ts";

/** The currency balances and prices are shown in on this tenant: the site's own, or the platform's. */
export async function tenantCurrency(ctx: Ctx): Promise<string> {
  if (ctx.tenant.kind === "site" && /^[A-Z]{3}$/.test(ctx.tenant.site.currency)) return ctx.tenant.site.currency;
  return getSetting(ctx, "currency");
}

/** The key owner's balance as it is now (not as it was when the key was checked). */
export async function keyOwnerBalance(ctx: Ctx): Promise<{ balance: number; currency: string }> {
  const user = requireUser(ctx);
  const row = await inTenant(ctx).selectFrom("users").select("balance").where("id", "=", user.id).executeTakeFirstOrThrow();
  return { balance: Number(row.balance), currency: await tenantCurrency(ctx) };
}
