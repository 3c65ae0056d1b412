import type { Ctx } from "../context.ts";
import { requireUser } from "../context.ts";
import type { Order } from "../db/schema.ts";
import { placeOrder, type OrderSource } from "../orders/place.ts";
import type { Refill } from "../orders/actions.ts";
import { cancelTenantOrder, ownRefills, refillTenantOrder } from "../order-chain/actions.ts";
import { placeSiteOrder } from "../order-chain/chain.ts";
import { ordersWithService, type OrderRow } from "../orders/service.ts";

/**
 * The developer APIs' way into orders: the orders feature's own verbs (placeOrder, requestRefill,
 * cancelOrder), plus the by-number look-ups the v2 protocol needs (it names orders by their number
 * in the tenant, as pages and tickets do, and refills by their ids). Always scoped to the key owner
 * and the request's tenant.
 */

/** Places an order for the key owner at the tenant's price, as the web does. */
export async function placeApiOrder(ctx: Ctx, input: Record<string, unknown>, opts: { source: OrderSource; apiKeyId: number }): Promise<Order> {
  // A site customer's order is charged the site price and fulfilled by the reseller's platform order at cost.
  if (ctx.tenant.kind === "site") return (await placeSiteOrder(ctx, input, opts)).customerOrder;
  return placeOrder(ctx, input, opts);
}

const orderNumber = (raw: string): number | null => (/^\d{1,15}$/.test(raw.trim()) ? Number(raw.trim()) : null);

/** The key owner's orders among `numbers` (order numbers as sent); unknown numbers and other people's orders are absent. */
export async function ownOrdersByNumber(ctx: Ctx, numbers: string[]): Promise<Map<string, OrderRow>> {
  const user = requireUser(ctx);
  const wanted = new Map<number, string[]>();
  for (const raw of numbers) {
    const n = orderNumber(raw);
    if (n !== null && n > 0) wanted.set(n, [...(wanted.get(n) ?? []), raw]);
  }
  const out = new Map<string, OrderRow>();
  if (wanted.size === 0) return out;
  const rows = await ordersWithService(ctx)
    .where("orders.number", "in", [...wanted.keys()])
    .where("orders.user_id", "=", user.id)
    .execute();
  for (const row of rows) for (const raw of (row.number === null ? undefined : wanted.get(row.number)) ?? []) out.set(raw, row);
  return out;
}

/** Refills one of the key owner's orders (by its number) through the orders feature's rules. */
export async function refillByNumber(ctx: Ctx, number: string): Promise<Refill | null> {
  const order = (await ownOrdersByNumber(ctx, [number])).get(number);
  return order ? refillTenantOrder(ctx, order.uuid) : null;
}

/** Cancels one of the key owner's orders (by its number); null when it is not theirs. */
export async function cancelByNumber(ctx: Ctx, number: string): Promise<OrderRow | null> {
  const order = (await ownOrdersByNumber(ctx, [number])).get(number);
  return order ? (await cancelTenantOrder(ctx, order.uuid)).order : null;
}

interface OwnRefill {
  id: number;
  status: string;
}

/** The key owner's refills among `numbers` (refill ids as sent). */
export async function ownRefillsByNumber(ctx: Ctx, numbers: string[]): Promise<Map<string, OwnRefill>> {
  requireUser(ctx);
  const ids = [...new Set(numbers.map(orderNumber).filter((n): n is number => n !== null && n > 0))];
  const out = new Map<string, OwnRefill>();
  if (ids.length === 0) return out;
  // On a site, a customer's refills are those of the platform orders behind their orders.
  const byId = await ownRefills(ctx, ids);
  for (const raw of numbers) {
    const n = orderNumber(raw);
    const row = n === null ? undefined : byId.get(n);
    if (row) out.set(raw, row);
  }
  return out;
}
