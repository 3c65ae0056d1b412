import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { Validation, type FieldErrors } from "../core/errors.ts";
import { dbNow } from "../lib/time.ts";
import { parseMoney } from "../money/money.ts";
import { PAYMENT_METHOD_SEED } from "../seed/seeders.ts";
import { bookingCurrency } from "../settings/service.ts";
import { writeAudit } from "../audit/audit.ts";
import { tenantPaymentMethod } from "../wallet/service.ts";
import type { PaymentMethod } from "../wallet/view.ts";
import type { PaymentMethodCreate, PaymentMethodUpdate } from "./schema.ts";
import { methodAudit } from "./view.ts";
import { tenantId, forTenant, inTenant } from "../tenancy/scoped.ts";

const DEFAULT_MIN = parseMoney("500")!;
const DEFAULT_MAX = parseMoney("5000000")!;

/**
 * A new site's deposit methods: the region's seeded services (names, types, bilingual instructions),
 * without any account — never the platform's own numbers — and inactive until the reseller fills in
 * where its customers should pay. Idempotent per (site, code).
 */
export async function seedSitePaymentMethods(ctx: Ctx, siteId: number): Promise<number> {
  // Called while the platform buys the site: the new site is named, not the ctx's tenant.
  const site = forTenant(ctx.db, siteId);
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
    currency: "XOF",
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

type MethodState = Pick<PaymentMethod, "type" | "account_number" | "instructions_fr" | "instructions_en" | "min_amount" | "max_amount" | "is_active">;

/** Limits make sense, and an active method tells customers where to pay. */
function methodErrors(m: MethodState): FieldErrors {
  const errors: FieldErrors = {};
  if (m.max_amount !== null && m.max_amount <= 0) errors.max_amount = ["The maximum must be greater than zero (or null for no maximum)"];
  else if (m.max_amount !== null && m.max_amount < m.min_amount) errors.max_amount = ["The maximum cannot be below the minimum"];
  if (m.is_active) {
    if (m.type !== "other" && !m.account_number) errors.account_number = ["Give the account number your customers pay to before activating this method"];
    if (m.type === "other" && !m.instructions_fr && !m.instructions_en) errors.instructions_fr = ["Give payment instructions before activating this method"];
  }
  return errors;
}

function codeTaken(err: unknown): never {
  if (isUniqueViolation(err)) throw new Validation({ code: ["This site already has a payment method with this code"] });
  throw err;
}

export async function createSiteMethod(ctx: Ctx, input: PaymentMethodCreate): Promise<PaymentMethod> {
  const state = { ...input, is_active: input.is_active ? 1 : 0 };
  const errors = methodErrors(state);
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
          // The site's own currency: its customers deposit in it.
          currency: await bookingCurrency(tx),
          min_amount: input.min_amount,
          max_amount: input.max_amount,
          is_active: state.is_active,
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
    const after = await tenantPaymentMethod(tx, id);
    await writeAudit(tx, { action: "site.payment_method.create", targetType: "payment_method", targetId: id, data: methodAudit(after) });
    return after;
  });
  // The home page names the active methods: its cached look changes with them.
  ctx.events.siteChanged(tenantId(ctx));
  return done;
}

export async function updateSiteMethod(ctx: Ctx, id: number, input: PaymentMethodUpdate): Promise<PaymentMethod> {
  const done = await withTransaction(ctx, async (tx) => {
    const before = await tenantPaymentMethod(tx, id);
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
    const errors = methodErrors(next);
    if (Object.keys(errors).length) throw new Validation(errors);
    try {
      await inTenant(tx)
        .updateTable("payment_methods")
        .set({ ...changes, updated_at: dbNow(tx.clock) })
        .where("id", "=", id)
        .execute();
    } catch (err) {
      codeTaken(err);
    }
    const after = await tenantPaymentMethod(tx, id);
    await writeAudit(tx, {
      action: "site.payment_method.update",
      targetType: "payment_method",
      targetId: id,
      data: { before: methodAudit(before), after: methodAudit(after) },
    });
    return after;
  });
  // The home page names the active methods: its cached look changes with them.
  ctx.events.siteChanged(tenantId(ctx));
  return done;
}

/**
 * Removes a method. One that deposits point to is only deactivated (their history keeps its name);
 * an unused one is deleted with its fee structure.
 */
export async function removeSiteMethod(ctx: Ctx, id: number): Promise<{ id: number; deleted: boolean; deactivated: boolean }> {
  const done = await withTransaction(ctx, async (tx) => {
    const method = await tenantPaymentMethod(tx, id);
    const used = await tx.db.selectFrom("transactions").select("id").where("payment_method_id", "=", id).executeTakeFirst();
    const now = dbNow(tx.clock);
    if (used) {
      await inTenant(tx).updateTable("payment_methods").set({ is_active: 0, updated_at: now }).where("id", "=", id).execute();
    } else {
      await tx.db.deleteFrom("fee_structures").where("payment_method_id", "=", id).execute();
      await inTenant(tx).deleteFrom("payment_methods").where("id", "=", id).execute();
    }
    await writeAudit(tx, {
      action: used ? "site.payment_method.deactivate" : "site.payment_method.delete",
      targetType: "payment_method",
      targetId: id,
      data: methodAudit(method),
    });
    return { id, deleted: !used, deactivated: Boolean(used) };
  });
  // The home page names the active methods: its cached look changes with them.
  ctx.events.siteChanged(tenantId(ctx));
  return done;
}
