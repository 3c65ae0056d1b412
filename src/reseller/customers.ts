import type { Ctx } from "../context.ts";
import type { User } from "../db/schema.ts";
import { offsetOf, pageOf, type Page } from "../core/pagination.ts";
import { likeContaining } from "../lib/sql-like.ts";
import type { CustomersQuery } from "./schema.ts";
import { inTenant } from "../tenancy/scoped.ts";

type CustomerRow = User & { orders_count: number };

/**
 * The site's customers (live accounts of the ctx's site), newest first, with their order count.
 * Balances, bans and adjustments reuse the tenant-generic user verbs of src/staff/users with the site as tenant.
 */
export async function listCustomers(ctx: Ctx, q: CustomersQuery): Promise<Page<CustomerRow>> {
  let base = inTenant(ctx).selectFrom("users").where("users.deleted_at", "is", null);
  if (q.banned !== undefined) base = base.where("users.is_banned", "=", q.banned ? 1 : 0);
  if (q.search) {
    const matches = likeContaining(q.search);
    base = base.where((eb) => eb.or([matches("users.username"), matches("users.email")]));
  }
  const count = await base.select((e) => e.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll("users")
    .select((eb) =>
      eb
        .selectFrom("orders")
        .select((e) => e.fn.countAll<number>().as("n"))
        .whereRef("orders.user_id", "=", "users.id")
        .whereRef("orders.site_id", "=", "users.site_id")
        .as("orders_count"),
    )
    .orderBy("users.created_at", "desc")
    .orderBy("users.id", "desc")
    .limit(q.per_page)
    .offset(offsetOf(q))
    .execute();
  return pageOf(
    rows.map((r) => ({ ...r, orders_count: Number(r.orders_count ?? 0) })),
    count.n,
    q,
  );
}
