import type { Ctx } from "../../context.ts";
import { NotFound } from "../../core/errors.ts";
import { offsetOf, pageOf, type Page } from "../../core/pagination.ts";
import { likeContaining } from "../../lib/sql-like.ts";
import { ledgerRows } from "../../wallet/service.ts";
import type { TransactionRow } from "../../wallet/view.ts";
import type { StaffTransactionsQuery } from "./schema.ts";
import { inTenant } from "../../tenancy/scoped.ts";

/**
 * Tenant-generic staff verbs: the platform's admins call them with the platform as tenant, a reseller
 * with its own site as tenant (src/reseller/scope.ts); every read and write is scoped by ctx.tenant.
 */

export type StaffTransactionRow = TransactionRow & { username: string | null; email: string | null };

/** Every ledger row of the tenant's users, newest first, with the filters of the finance screen. */
export async function listLedger(ctx: Ctx, q: StaffTransactionsQuery): Promise<Page<StaffTransactionRow>> {
  let base = inTenant(ctx).selectFrom("transactions");
  if (q.type) base = base.where("transactions.type", "=", q.type);
  if (q.status) base = base.where("transactions.status", "=", q.status);
  if (q.user_id) base = base.where("transactions.user_id", "=", q.user_id);
  if (q.payment_method_id) base = base.where("transactions.payment_method_id", "=", q.payment_method_id);
  if (q.user) {
    const matches = likeContaining(q.user);
    const users = inTenant(ctx)
      .selectFrom("users")
      .select("users.id")
      .where((eb) => eb.or([matches("users.username"), matches("users.email"), matches("users.phone")]));
    base = base.where("transactions.user_id", "in", users);
  }
  if (q.reference) base = base.where("transactions.reference", "=", q.reference);
  if (q.from) base = base.where("transactions.created_at", ">=", `${q.from} 00:00:00.000`);
  if (q.to) base = base.where("transactions.created_at", "<=", `${q.to} 23:59:59.999`);
  const count = await base.select((e) => e.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  let listed = ledgerRows(base);
  if (q.sort === "oldest") listed = listed.clearOrderBy().orderBy("transactions.created_at", "asc").orderBy("transactions.id", "asc");
  const rows = await listed
    .leftJoin("users", "users.id", "transactions.user_id")
    .select(["users.username", "users.email"])
    .limit(q.per_page)
    .offset(offsetOf(q))
    .execute();
  return pageOf(rows, count.n, q);
}

/** One deposit of the tenant with its user and method, as the verification screen shows it before acting. */
export async function staffDeposit(ctx: Ctx, id: number): Promise<StaffTransactionRow> {
  const row = await ledgerRows(inTenant(ctx).selectFrom("transactions").where("transactions.id", "=", id).where("transactions.type", "=", "deposit"))
    .leftJoin("users", "users.id", "transactions.user_id")
    .select(["users.username", "users.email"])
    .executeTakeFirst();
  if (!row) throw new NotFound("Deposit not found");
  return row;
}
