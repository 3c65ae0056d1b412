import type { Ctx } from "../context.ts";
import { AppError, Validation } from "../core/errors.ts";
import { inTenant } from "../tenancy/scoped.ts";
import { reconcilable, reconcileOrder } from "./admin.ts";
import type { ReconcileManyInput } from "./schema.ts";

/**
 * What settling these orders alike would do, order by order (an order already settled is skipped and
 * says so), and the total refunded: what the console's confirmation page shows before anything runs.
 */
export async function planReconcileMany(ctx: Ctx, input: Pick<ReconcileManyInput, "order_ids" | "action">) {
  const rows = await inTenant(ctx)
    .selectFrom("orders")
    .leftJoin("users", "users.id", "orders.user_id")
    .leftJoin("services", "services.id", "orders.service_id")
    .select([
      "orders.id",
      "orders.uuid",
      "orders.link",
      "orders.status",
      "orders.dispatch_state",
      "orders.held_since",
      "orders.charge",
      "orders.refunded",
      "orders.currency",
      "users.username",
      "services.name as service_name",
    ])
    .where("orders.id", "in", input.order_ids)
    .orderBy("orders.id")
    .execute();
  const found = new Set(rows.map((r) => r.id));
  const missing = input.order_ids.filter((id) => !found.has(id));
  if (missing.length) throw new Validation({ order_ids: [`Unknown orders: ${missing.join(", ")}`] });
  const orders = rows.map((r) => {
    const ok = reconcilable(r, input.action);
    return { ...r, reconcilable: ok, refund: ok && input.action === "refund" ? Number(r.charge) - Number(r.refunded) : 0 };
  });
  return { orders, refund: orders.reduce((sum, o) => sum + o.refund, 0) };
}

/**
 * Settles several orders whose dispatch is unknown, or held by their provider, with the same action (resend or refund), each by
 * `reconcileOrder`, each once: an order settled meanwhile is reported, not settled twice.
 */
export async function reconcileOrders(ctx: Ctx, input: ReconcileManyInput) {
  await planReconcileMany(ctx, input);
  const results: { id: number; done: boolean; code?: string; message?: string }[] = [];
  for (const id of input.order_ids) {
    try {
      await reconcileOrder(ctx, id, { action: input.action, note: input.note });
      results.push({ id, done: true });
    } catch (err) {
      if (!(err instanceof AppError) || err.status === 422) throw err;
      results.push({ id, done: false, code: err.code, message: err.message });
    }
  }
  return results;
}
