import type { Ctx } from "../context.ts";
import { inTenant } from "../tenancy/scoped.ts";
import { methodPayable } from "../wallet/view.ts";

/**
 * Whether a site can take a customer's deposit: an active method that says where to pay (the ones
 * its funds page offers), or an active automatic-payment account of its own. The one rule of the
 * owner's checklist and of the notice on the site itself. `siteCtx` is the site's tenant ctx.
 */
export async function takesDeposits(siteCtx: Ctx): Promise<boolean> {
  const methods = await inTenant(siteCtx)
    .selectFrom("payment_methods")
    .select(["type", "account_number", "instructions_fr", "instructions_en"])
    .where("is_active", "=", 1)
    .execute();
  if (methods.some(methodPayable)) return true;
  // Read here rather than through payment-gateways, whose site pages depend on this folder.
  const gateway = await inTenant(siteCtx).selectFrom("gateway_accounts").select("id").where("is_active", "=", 1).executeTakeFirst();
  return gateway !== undefined;
}
