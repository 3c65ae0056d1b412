import type { Ctx } from "../../context.ts";
import { withTransaction } from "../../context.ts";
import { Validation, type FieldErrors } from "../../core/errors.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import { dbNow } from "../../lib/time.ts";
import { formatMoney, parseMoney } from "../../money/money.ts";
import { writeAudit } from "../../audit/audit.ts";
import { PAYMENT_METHOD_SEED } from "../../seed/seeders.ts";
import { bookingCurrency } from "../../settings/service.ts";
import { forTenant, inTenant, tenantId } from "../../tenancy/scoped.ts";
import { feeRulesFor, type FeeRule } from "../../wallet/fees.ts";
import { tenantPaymentMethod, tenantPaymentMethods } from "../../wallet/service.ts";
import type { PaymentMethod } from "../../wallet/view.ts";
import type { PaymentMethodCreate, PaymentMethodUpdate } from "./schema.ts";

/**
 * The deposit methods of a tenant, one set of verbs for every tenant: the platform's admins call them
 * with the platform as tenant (`/api/admin/finance/payment-methods`, the console), a reseller with its
 * site as tenant (`/api/white-label/sites/{uuid}/payment-methods` and its page). Each method has its own
 * fee rule (`fee_structures`: percent, fixed, min, max), which the deposit quote applies.
 */

export interface MethodWithFee {
  method: PaymentMethod;
  fee: FeeRule;
}

const DEFAULT_MIN = parseMoney("500")!;
const DEFAULT_MAX = parseMoney("5000000")!;

/** A site's audit actions say so (`site.payment_method.create`); the platform's are `payment_method.create`. */
const action = (ctx: Ctx, verb: string) => `${ctx.tenant.kind === "site" ? "site." : ""}payment_method.${verb}`;

/** The currency a tenant's methods are labelled with: a site's own, else the platform's booking currency. */
const methodCurrency = async (ctx: Ctx) => (ctx.tenant.kind === "site" ? ctx.tenant.site.currency : bookingCurrency(ctx));

/**
 * A new site's deposit methods: the region's seeded services (names, types, bilingual instructions),
 * without any account — never the platform's own numbers — and inactive until the reseller fills in
 * where its customers should pay. Idempotent per (site, code).
 */
export async function seedSitePaymentMethods(ctx: Ctx, siteId: number): Promise<number> {
  // Called while the platform buys the site: the new site is named, not the ctx's tenant.
  const site = forTenant(ctx.db, siteId);
  const { currency } = await ctx.db.selectFrom("white_label_sites").select("currency").where("id", "=", siteId).executeTakeFirstOrThrow();
  const existing = new Set((await site.selectFrom("payment_methods").select("code").execute()).map((r) => r.code));
  const now = dbNow(ctx.clock);
  const rows = PAYMENT_METHOD_SEED.filter((m) => !existing.has(m.code)).map((m, i) => ({
    code: m.code,
    name: m.name,
    type: m.type,
    instructions_fr: m.fr,
    instructions_en: m.en,
    account_name: null,
    account_number: null,
    currency,
    min_amount: DEFAULT_MIN,
    max_amount: DEFAULT_MAX,
    is_active: 0,
    sort_order: i,
    config: null,
    created_at: now,
    updated_at: now,
  }));
  if (rows.length) await site.insertInto("payment_methods", rows).execute();
  return rows.length;
}

type MethodState = Pick<PaymentMethod, "type" | "account_number" | "instructions_fr" | "instructions_en" | "min_amount" | "max_amount" | "is_active"> & {
  fee: Pick<FeeRule, "min" | "max">;
};

/** Limits and fees make sense, and an active method tells depositors where to pay. */
function methodErrors(m: MethodState): FieldErrors {
  const errors: FieldErrors = {};
  if (m.max_amount !== null && m.max_amount <= 0) errors.max_amount = ["The maximum must be greater than zero (or empty for no maximum)"];
  else if (m.max_amount !== null && m.max_amount < m.min_amount) errors.max_amount = ["The maximum cannot be below the minimum"];
  if (m.fee.max !== null && m.fee.max < m.fee.min) errors.fee_max = ["The maximum fee cannot be below the minimum fee"];
  if (m.is_active) {
    if (m.type !== "other" && !m.account_number) errors.account_number = ["Give the account number depositors pay to before activating this method"];
    if (m.type === "other" && !m.instructions_fr && !m.instructions_en) errors.instructions_fr = ["Give payment instructions before activating this method"];
  }
  return errors;
}

function refuse(errors: FieldErrors): void {
  if (Object.keys(errors).length) throw new Validation(errors);
}

function codeTaken(err: unknown): never {
  if (isUniqueViolation(err)) throw new Validation({ code: ["A payment method with this code already exists"] });
  throw err;
}

/** What the audit log keeps of a method and its fee rule: adding, changing and removing one record the same shape. */
function auditOf(m: PaymentMethod, fee: FeeRule) {
  return {
    code: m.code,
    name: m.name,
    type: m.type,
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

const feeOf = async (ctx: Ctx, method: PaymentMethod) => (await feeRulesFor(ctx, [method])).get(method.id)!;

/** All the tenant's payment methods, active or not, each with its fee rule. */
export async function listPaymentMethods(ctx: Ctx): Promise<MethodWithFee[]> {
  const methods = await tenantPaymentMethods(ctx);
  const fees = await feeRulesFor(ctx, methods);
  return methods.map((m) => ({ method: m, fee: fees.get(m.id)! }));
}

/** Adds a deposit method of the tenant, in its currency, with its own fee rule; audit-logged. */
export async function createPaymentMethod(ctx: Ctx, input: PaymentMethodCreate): Promise<MethodWithFee> {
  refuse(methodErrors({ ...input, is_active: input.is_active ? 1 : 0, fee: { min: input.fee_min, max: input.fee_max } }));
  const currency = await methodCurrency(ctx);
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
          currency,
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
      codeTaken(err);
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
    const fee = await feeOf(tx, method);
    await writeAudit(tx, { action: action(tx, "create"), targetType: "payment_method", targetId: id, data: auditOf(method, fee) });
    return { method, fee };
  });
  // Pages that name the tenant's active methods are cached with its look: they change with them.
  ctx.events.siteChanged(tenantId(ctx));
  return done;
}

/** Changes a method's code, type, texts, account, limits, state and its own fee rule; audit-logged. */
export async function updatePaymentMethod(ctx: Ctx, id: number, input: PaymentMethodUpdate): Promise<MethodWithFee> {
  const done = await withTransaction(ctx, async (tx) => {
    const before = await tenantPaymentMethod(tx, id);
    const feeBefore = await feeOf(tx, before);
    const changes = {
      code: input.code,
      name: input.name,
      type: input.type,
      instructions_fr: input.instructions_fr,
      instructions_en: input.instructions_en,
      account_name: input.account_name,
      account_number: input.account_number,
      min_amount: input.min_amount,
      max_amount: input.max_amount,
      is_active: input.is_active === undefined ? undefined : input.is_active ? 1 : 0,
    };
    const next = { ...before, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) } as PaymentMethod;
    const fee = {
      percent_bp: input.fee_percent ?? feeBefore.percentBp,
      fixed_amount: input.fee_fixed ?? feeBefore.fixed,
      min_amount: input.fee_min ?? feeBefore.min,
      max_amount: input.fee_max === undefined ? feeBefore.max : input.fee_max,
    };
    refuse(methodErrors({ ...next, fee: { min: fee.min_amount, max: fee.max_amount } }));

    const now = dbNow(tx.clock);
    try {
      await inTenant(tx)
        .updateTable("payment_methods")
        .set({ ...changes, updated_at: now })
        .where("id", "=", id)
        .execute();
    } catch (err) {
      codeTaken(err);
    }
    const feeTouched = [input.fee_percent, input.fee_fixed, input.fee_min, input.fee_max].some((v) => v !== undefined);
    if (feeTouched) {
      const own = await tx.db.selectFrom("fee_structures").select("id").where("payment_method_id", "=", id).orderBy("id").executeTakeFirst();
      if (own)
        await tx.db
          .updateTable("fee_structures")
          .set({ ...fee, is_active: 1, updated_at: now })
          .where("id", "=", own.id)
          .execute();
      else
        await tx.db
          .insertInto("fee_structures")
          .values({ ...fee, is_active: 1, payment_method_id: id, name: `${next.name} fees`.slice(0, 100), created_at: now, updated_at: now })
          .execute();
    }

    const after = await tenantPaymentMethod(tx, id);
    const feeAfter = await feeOf(tx, after);
    await writeAudit(tx, {
      action: action(tx, "update"),
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

/**
 * Removes a deposit method of the tenant. One that deposits point to is only deactivated (their
 * history keeps its name); an unused one is deleted with its fee structure.
 */
export async function removePaymentMethod(ctx: Ctx, id: number): Promise<{ id: number; deleted: boolean; deactivated: boolean }> {
  const done = await withTransaction(ctx, async (tx) => {
    const method = await tenantPaymentMethod(tx, id);
    const fee = await feeOf(tx, method);
    const used = await tx.db.selectFrom("transactions").select("id").where("payment_method_id", "=", id).executeTakeFirst();
    const now = dbNow(tx.clock);
    if (used) {
      await inTenant(tx).updateTable("payment_methods").set({ is_active: 0, updated_at: now }).where("id", "=", id).execute();
    } else {
      await tx.db.deleteFrom("fee_structures").where("payment_method_id", "=", id).execute();
      await inTenant(tx).deleteFrom("payment_methods").where("id", "=", id).execute();
    }
    await writeAudit(tx, {
      action: action(tx, used ? "deactivate" : "delete"),
      targetType: "payment_method",
      targetId: id,
      data: auditOf(method, fee),
    });
    return { id, deleted: !used, deactivated: Boolean(used) };
  });
  ctx.events.siteChanged(tenantId(ctx));
  return done;
}
