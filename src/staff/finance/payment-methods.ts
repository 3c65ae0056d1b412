import type { Ctx } from "../../context.ts";
import { withTransaction } from "../../context.ts";
import { Validation, type FieldErrors } from "../../core/errors.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import { dbNow } from "../../lib/time.ts";
import { writeAudit } from "../../audit/audit.ts";
import { getSetting } from "../../settings/service.ts";
import { inTenant, tenantId } from "../../tenancy/scoped.ts";
import { feeRulesFor } from "../../wallet/fees.ts";
import { tenantPaymentMethod } from "../../wallet/service.ts";
import type { PaymentMethodCreate } from "./schema.ts";
import { auditOf, type MethodWithFee } from "./service.ts";

/** Limits and fees make sense, and an active method tells depositors where to pay. */
function methodErrors(input: PaymentMethodCreate): FieldErrors {
  const errors: FieldErrors = {};
  if (input.max_amount !== null && input.max_amount <= 0) errors.max_amount = ["The maximum must be greater than zero (or empty for no maximum)"];
  else if (input.max_amount !== null && input.max_amount < input.min_amount) errors.max_amount = ["The maximum cannot be below the minimum"];
  if (input.fee_max !== null && input.fee_max < input.fee_min) errors.fee_max = ["The maximum fee cannot be below the minimum fee"];
  if (input.is_active && input.type !== "other" && !input.account_number)
    errors.account_number = ["Give the account number depositors pay to before activating this method"];
  if (input.is_active && input.type === "other" && !input.instructions_fr && !input.instructions_en)
    errors.instructions_fr = ["Give payment instructions before activating this method"];
  return errors;
}

/** Adds a deposit method of the tenant, in its currency, with its own fee rule; audit-logged. */
export async function createPaymentMethod(ctx: Ctx, input: PaymentMethodCreate): Promise<MethodWithFee> {
  const errors = methodErrors(input);
  if (Object.keys(errors).length) throw new Validation(errors);
  const done = await withTransaction(ctx, async (tx) => {
    const now = dbNow(tx.clock);
    const last = await inTenant(tx)
      .selectFrom("payment_methods")
      .select((e) => e.fn.max("sort_order").as("n"))
      .executeTakeFirst();
    let id: number;
    try {
      const res = await inTenant(tx)
        .insertInto("payment_methods", {
          code: input.code,
          name: input.name,
          type: input.type,
          instructions_fr: input.instructions_fr,
          instructions_en: input.instructions_en,
          account_name: input.account_name,
          account_number: input.account_number,
          currency: await getSetting(tx, "currency"),
          min_amount: input.min_amount,
          max_amount: input.max_amount,
          is_active: input.is_active ? 1 : 0,
          sort_order: Number(last?.n ?? -1) + 1,
          config: null,
          created_at: now,
          updated_at: now,
        })
        .executeTakeFirstOrThrow();
      id = Number(res.insertId);
    } catch (err) {
      if (isUniqueViolation(err)) throw new Validation({ code: ["A payment method with this code already exists"] });
      throw err;
    }
    await tx.db
      .insertInto("fee_structures")
      .values({
        payment_method_id: id,
        name: `${input.name} fees`.slice(0, 100),
        percent_bp: input.fee_percent,
        fixed_amount: input.fee_fixed,
        min_amount: input.fee_min,
        max_amount: input.fee_max,
        is_active: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const method = await tenantPaymentMethod(tx, id);
    const fee = (await feeRulesFor(tx, [method])).get(id)!;
    await writeAudit(tx, { action: "payment_method.create", targetType: "payment_method", targetId: id, data: auditOf(method, fee) });
    return { method, fee };
  });
  // Pages that name the tenant's active methods are cached with its look: they change with them.
  ctx.events.siteChanged(tenantId(ctx));
  return done;
}

/**
 * Removes a deposit method of the tenant. One that deposits point to is only deactivated (their
 * history keeps its name); an unused one is deleted with its fee structure. (A reseller's own methods
 * follow the same rule in src/reseller/payment-methods.ts, audited as the site's.)
 */
export async function removePaymentMethod(ctx: Ctx, id: number): Promise<{ id: number; deleted: boolean; deactivated: boolean }> {
  const done = await withTransaction(ctx, async (tx) => {
    const method = await tenantPaymentMethod(tx, id);
    const fee = (await feeRulesFor(tx, [method])).get(id)!;
    const used = await tx.db.selectFrom("transactions").select("id").where("payment_method_id", "=", id).executeTakeFirst();
    const now = dbNow(tx.clock);
    if (used) {
      await inTenant(tx).updateTable("payment_methods").set({ is_active: 0, updated_at: now }).where("id", "=", id).execute();
    } else {
      await tx.db.deleteFrom("fee_structures").where("payment_method_id", "=", id).execute();
      await inTenant(tx).deleteFrom("payment_methods").where("id", "=", id).execute();
    }
    await writeAudit(tx, {
      action: used ? "payment_method.deactivate" : "payment_method.delete",
      targetType: "payment_method",
      targetId: id,
      data: auditOf(method, fee),
    });
    return { id, deleted: !used, deactivated: Boolean(used) };
  });
  ctx.events.siteChanged(tenantId(ctx));
  return done;
}
