import type { Ctx } from "../context.ts";
import type { Site } from "../db/schema.ts";
import type { FieldErrors } from "../core/errors.ts";
import { siteCustomerCount } from "../tenancy/plan-limits.ts";
import type { Plan } from "./view.ts";

/**
 * Why a site does not fit a plan it would move to: a custom domain on a plan without one, more
 * customers than the plan's maximum. Empty when it fits. Messages for the API (English); pages
 * translate by the `code` in `fitCodes`.
 */
export async function planFitProblems(ctx: Ctx, site: Site, plan: Pick<Plan, "allows_custom_domain" | "max_customers">): Promise<FieldErrors> {
  const problems: string[] = [];
  if (site.custom_domain && !plan.allows_custom_domain) problems.push("This plan has no custom domain: remove the site's custom domain first");
  if (plan.max_customers != null) {
    const count = await siteCustomerCount(ctx.db, site.id);
    if (count > plan.max_customers) problems.push(`This plan allows ${plan.max_customers} customers and the site has ${count}`);
  }
  return problems.length ? { plan_id: problems } : {};
}
