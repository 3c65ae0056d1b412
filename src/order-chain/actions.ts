import type { Ctx } from "../context.ts";
import { PLATFORM, requireUser } from "../context.ts";
import { NotFound } from "../core/errors.ts";
import { cancelOrder, requestRefill, type CancelResult, type Refill } from "../orders/actions.ts";
import { ordersWithService, userOrder, type OrderRow } from "../orders/service.ts";
import { cancelOpen, refillOpen } from "../orders/view.ts";
import { inTenant, onPlatform } from "../tenancy/scoped.ts";

/**
 * Refill and cancel for any tenant. A platform user's order is theirs to act on directly. A site
 * customer's order was never sent: the provider knows its platform order, so the request is made on
 * that order in the reseller's name (same rules: refill window, one refill at a time, cancel only
 * while pending) and the outcome flows back down through the mirror.
 */

interface Chain {
  customer: OrderRow;
  platform: OrderRow;
  resellerCtx: Ctx;
}

/** One of the caller's customer orders on this site with the platform order behind it; anyone else's is a 404. */
async function chainOf(ctx: Ctx, uuid: string): Promise<Chain> {
  const customer = await userOrder(ctx, uuid);
  if (ctx.tenant.kind !== "site") throw new Error("chainOf is for site orders");
  const link = await inTenant(ctx).selectFrom("site_orders").select("platform_order_id").where("customer_order_id", "=", customer.id).executeTakeFirst();
  if (!link) throw new NotFound("Order not found");
  // The fulfilling order is the reseller's, on the platform.
  const platform = await ordersWithService(ctx, onPlatform(ctx.db)).where("orders.id", "=", link.platform_order_id).executeTakeFirstOrThrow();
  const reseller = await ctx.db.selectFrom("users").selectAll().where("id", "=", platform.user_id).executeTakeFirstOrThrow();
  return { customer, platform, resellerCtx: { ...ctx, tenant: PLATFORM, user: reseller } };
}

/** Whether a refill of this (provider-facing) order was asked for and has not ended yet. */
async function refillPending(ctx: Ctx, providerOrderId: number): Promise<boolean> {
  const open = await ctx.db.selectFrom("refills").select("id").where("open_order_id", "=", providerOrderId).executeTakeFirst();
  return open !== undefined;
}

/**
 * Whether the caller may ask for a refill or a cancellation of their order now (what the buttons
 * show), and whether a refill is already under way (one at a time: its button hides meanwhile).
 */
export async function orderActionsOpen(ctx: Ctx, order: OrderRow): Promise<{ canRefill: boolean; canCancel: boolean; refillPending: boolean }> {
  const now = ctx.clock.now();
  if (ctx.tenant.kind !== "site") return { canRefill: refillOpen(order, now), canCancel: cancelOpen(order), refillPending: await refillPending(ctx, order.id) };
  const link = await inTenant(ctx).selectFrom("site_orders").select("platform_order_id").where("customer_order_id", "=", order.id).executeTakeFirst();
  const platform = link && (await ordersWithService(ctx, onPlatform(ctx.db)).where("orders.id", "=", link.platform_order_id).executeTakeFirst());
  return platform
    ? { canRefill: refillOpen(platform, now), canCancel: cancelOpen(platform), refillPending: await refillPending(ctx, platform.id) }
    : { canRefill: false, canCancel: false, refillPending: false };
}

export async function refillTenantOrder(ctx: Ctx, uuid: string): Promise<Refill> {
  requireUser(ctx);
  if (ctx.tenant.kind !== "site") return requestRefill(ctx, uuid);
  const chain = await chainOf(ctx, uuid);
  return requestRefill(chain.resellerCtx, chain.platform.uuid);
}

export async function cancelTenantOrder(ctx: Ctx, uuid: string): Promise<CancelResult> {
  requireUser(ctx);
  if (ctx.tenant.kind !== "site") return cancelOrder(ctx, uuid);
  const chain = await chainOf(ctx, uuid);
  const r = await cancelOrder(chain.resellerCtx, chain.platform.uuid);
  return { order: await userOrder(ctx, uuid), awaitingProvider: r.awaitingProvider };
}

/**
 * The caller's refills among `ids` (refill ids as the v2 protocol names them). A site customer's
 * refills are those of the platform orders behind their own orders.
 */
export async function ownRefills(ctx: Ctx, ids: number[]): Promise<Map<number, { id: number; status: string }>> {
  const user = requireUser(ctx);
  if (ids.length === 0) return new Map();
  const rows =
    ctx.tenant.kind === "site"
      ? await inTenant(ctx)
          .selectFrom("site_orders")
          .innerJoin("refills", "refills.order_id", "site_orders.platform_order_id")
          .innerJoin("orders", "orders.id", "site_orders.customer_order_id")
          .select(["refills.id", "refills.status"])
          .where("refills.id", "in", ids)
          .where("orders.user_id", "=", user.id)
          .whereRef("orders.site_id", "=", "site_orders.site_id")
          .execute()
      : await inTenant(ctx)
          .selectFrom("orders")
          .innerJoin("refills", "refills.order_id", "orders.id")
          .select(["refills.id", "refills.status"])
          .where("refills.id", "in", ids)
          .where("orders.user_id", "=", user.id)
          .execute();
  return new Map(rows.map((r) => [r.id, r]));
}
