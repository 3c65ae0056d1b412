import type { Ctx } from "../../context.ts";
import { withTransaction } from "../../context.ts";
import { NotFound, Validation, type FieldErrors } from "../../core/errors.ts";
import { offsetOf, pageOf, type Page } from "../../core/pagination.ts";
import { likeContaining } from "../../lib/sql-like.ts";
import { dbNow } from "../../lib/time.ts";
import { formatMoney } from "../../money/money.ts";
import { writeAudit } from "../../audit/audit.ts";
import { feeRulesFor, type FeeRule } from "../../wallet/fees.ts";
import { ledgerRows, tenantPaymentMethod, tenantPaymentMethods } from "../../wallet/service.ts";
import type { PaymentMethod, TransactionRow } from "../../wallet/view.ts";
import type { StaffTransactionsQuery, PaymentMethodUpdate } from "./schema.ts";
import { inTenant, tenantId } from "../../tenancy/scoped.ts";

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

export interface MethodWithFee {
  method: PaymentMethod;
  fee: FeeRule;
}

/** All the tenant's payment methods, active or not. */
export async function listPaymentMethods(ctx: Ctx): Promise<MethodWithFee[]> {
  const methods = await tenantPaymentMethods(ctx);
  const fees = await feeRulesFor(ctx, methods);
  return methods.map((m) => ({ method: m, fee: fees.get(m.id)! }));
}

/** Changes a method's texts, account, limits, state and its own fee structure; audit-logged. */
export async function updatePaymentMethod(ctx: Ctx, id: number, input: PaymentMethodUpdate): Promise<MethodWithFee> {
  const done = await withTransaction(ctx, async (tx) => {
    const before = await tenantPaymentMethod(tx, id);
    const feeBefore = (await feeRulesFor(tx, [before])).get(before.id)!;
    const min = input.min_amount ?? Number(before.min_amount);
    const max = input.max_amount === undefined ? before.max_amount : input.max_amount;
    const feeMin = input.fee_min ?? feeBefore.min;
    const feeMax = input.fee_max === undefined ? feeBefore.max : input.fee_max;
    const errors: FieldErrors = {};
    if (max !== null && max < min) errors.max_amount = ["The maximum cannot be below the minimum"];
    if (max === 0) errors.max_amount = ["The maximum must be greater than zero (or null for no maximum)"];
    if (feeMax !== null && feeMax < feeMin) errors.fee_max = ["The maximum fee cannot be below the minimum fee"];
    if (Object.keys(errors).length) throw new Validation(errors);

    const now = dbNow(tx.clock);
    const changes = {
      name: input.name,
      instructions_fr: input.instructions_fr,
      instructions_en: input.instructions_en,
      account_name: input.account_name,
      account_number: input.account_number,
      min_amount: input.min_amount,
      max_amount: input.max_amount,
      is_active: input.is_active === undefined ? undefined : input.is_active ? 1 : 0,
    };
    await inTenant(tx)
      .updateTable("payment_methods")
      .set({ ...changes, updated_at: now })
      .where("id", "=", id)
      .execute();

    const feeTouched = [input.fee_percent, input.fee_fixed, input.fee_min, input.fee_max].some((v) => v !== undefined);
    if (feeTouched) {
      const fee = {
        percent_bp: input.fee_percent ?? feeBefore.percentBp,
        fixed_amount: input.fee_fixed ?? feeBefore.fixed,
        min_amount: feeMin,
        max_amount: feeMax,
        is_active: 1,
        updated_at: now,
      };
      const own = await tx.db.selectFrom("fee_structures").select("id").where("payment_method_id", "=", id).orderBy("id").executeTakeFirst();
      if (own) await tx.db.updateTable("fee_structures").set(fee).where("id", "=", own.id).execute();
      else
        await tx.db
          .insertInto("fee_structures")
          .values({ ...fee, payment_method_id: id, name: `${input.name ?? before.name} fees`.slice(0, 100), created_at: now })
          .execute();
    }

    const after = await tenantPaymentMethod(tx, id);
    const feeAfter = (await feeRulesFor(tx, [after])).get(after.id)!;
    await writeAudit(tx, {
      action: "payment_method.update",
      targetType: "payment_method",
      targetId: id,
      data: {
        changed: Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined),
        before: auditOf(before, feeBefore),
        after: auditOf(after, feeAfter),
      },
    });
    return { method: after, fee: feeAfter };
  });
  // The home page names the active methods: its cached look changes with them.
  ctx.events.siteChanged(tenantId(ctx));
  return done;
}

function auditOf(m: PaymentMethod, fee: FeeRule) {
  return {
    name: m.name,
    account_name: m.account_name,
    account_number: m.account_number,
    min_amount: formatMoney(m.min_amount),
    max_amount: m.max_amount === null ? null : formatMoney(m.max_amount),
    is_active: Boolean(m.is_active),
    fee_percent_bp: fee.percentBp,
    fee_fixed: formatMoney(fee.fixed),
    fee_min: formatMoney(fee.min),
    fee_max: fee.max === null ? null : formatMoney(fee.max),
  };
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

/** The audit snapshot of a method and its fee rule: adding and removing one records the same shape as a change. */
export { auditOf };
