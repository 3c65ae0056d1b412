import type { Ctx } from "../context.ts";
import { Forbidden } from "../core/errors.ts";
import { forTenant } from "./scoped.ts";

/**
 * The limits a white-label site's plan puts on the site's customers (docs/white-label.md, "Plan
 * limits"): whether they may use API keys, and how many accounts the site may hold. The platform
 * tenant has no plan and no limit. Refusals name the site, never the platform.
 */
async function planOf(ctx: Ctx) {
  if (ctx.tenant.kind !== "site") return null;
  return ctx.db.selectFrom("white_label_plans").select(["customer_api", "max_customers"]).where("id", "=", ctx.tenant.site.plan_id).executeTakeFirst();
}

/** Whether the tenant's customers may create and use API keys. */
export async function customerApiAllowed(ctx: Ctx): Promise<boolean> {
  if (ctx.tenant.kind !== "site") return true;
  return Boolean((await planOf(ctx))?.customer_api);
}

/** Refuses (403 `api_not_in_plan`) API keys on a site whose plan has no customer API. */
export async function assertCustomerApi(ctx: Ctx): Promise<void> {
  if (ctx.tenant.kind !== "site" || (await customerApiAllowed(ctx))) return;
  throw new Forbidden(`The API is not available on ${ctx.tenant.site.name}`, "api_not_in_plan");
}

/** Live customer accounts of a site (deleted, anonymised ones do not count). */
export async function siteCustomerCount(db: Ctx["db"], siteId: number): Promise<number> {
  const row = await forTenant(db, siteId)
    .selectFrom("users")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Whether the site already holds as many customers as its plan allows. */
export async function siteIsFull(ctx: Ctx): Promise<boolean> {
  if (ctx.tenant.kind !== "site") return false;
  const plan = await planOf(ctx);
  if (plan?.max_customers == null) return false;
  return (await siteCustomerCount(ctx.db, ctx.tenant.siteId)) >= plan.max_customers;
}

/** Refuses (403 `site_full`) a new customer on a site at its plan's maximum. */
export async function assertRoomForCustomer(ctx: Ctx): Promise<void> {
  if (ctx.tenant.kind === "site" && (await siteIsFull(ctx))) {
    throw new Forbidden(`${ctx.tenant.site.name} is not taking new sign-ups at the moment`, "site_full");
  }
}
