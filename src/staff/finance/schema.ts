import { z } from "zod";
import { plainNumber } from "../../core/form-number.ts";
import { pageQuery } from "../../core/pagination.ts";
import { positiveId } from "../../core/validate.ts";
import { parsePercent } from "../../money/money.ts";
import { TRANSACTION_STATUSES, TRANSACTION_TYPES, nonNegativeMoney } from "../../wallet/schema.ts";

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "A date as YYYY-MM-DD")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), "Not a valid date");

export const staffTransactionsQuery = z.object({
  ...pageQuery,
  type: z.enum(TRANSACTION_TYPES, { error: `One of: ${TRANSACTION_TYPES.join(", ")}` }).optional(),
  status: z.enum(TRANSACTION_STATUSES, { error: `One of: ${TRANSACTION_STATUSES.join(", ")}` }).optional(),
  user_id: positiveId("A user id").optional(),
  payment_method_id: positiveId("A payment method id").optional(),
  reference: z.string().trim().min(1).max(100).optional(),
  /** A username, e-mail or phone the row's user contains. */
  user: z.string().trim().min(1).max(100, "At most 100 characters").optional(),
  from: day.optional(),
  to: day.optional(),
  /** newest first (default) or oldest first: the verification queue is worked from its oldest deposit. */
  sort: z.enum(["newest", "oldest"], { error: 'One of: "newest", "oldest"' }).optional(),
});

export const verifyBody = z.object({
  action: z.enum(["approve", "reject"], { error: 'The action must be "approve" or "reject"' }),
  note: z.string().trim().max(500, "At most 500 characters").optional(),
});

const nullableText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters`)
    .nullable()
    .optional()
    .transform((v) => (v === "" ? null : v));
const flag = z
  .union([z.boolean(), z.literal(0), z.literal(1), z.enum(["0", "1", "true", "false"])], { error: "true or false" })
  .transform((v) => v === true || v === 1 || v === "1" || v === "true");

/** A percentage with at most two decimals ("1.5" or "1.5%" = 1.5%) → basis points. */
export const percentBp = z.union([z.string(), z.number()], { error: "A percentage" }).transform((v, ctx) => {
  const bp = parsePercent(typeof v === "string" ? plainNumber(v) : v);
  if (bp === null || bp > 10_000) {
    ctx.addIssue({ code: "custom", message: "A percentage between 0 and 100 with at most 2 decimals" });
    return z.NEVER;
  }
  return bp;
});

const METHOD_TYPES = ["mobile_money", "bank", "other"] as const;

const code = z
  .string({ error: "The code is required" })
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, "Lowercase letters, digits, - and _ (e.g. orange_money)");
const methodType = z.enum(METHOD_TYPES, { error: `One of: ${METHOD_TYPES.join(", ")}` });

/**
 * A new payment method of the tenant (the platform's or a site's) with its own fee rule; it starts
 * inactive unless is_active is sent.
 */
export const paymentMethodCreate = z.object({
  code,
  name: z.string({ error: "The name is required" }).trim().min(1, "The name is required").max(100, "At most 100 characters"),
  type: methodType.default("mobile_money"),
  instructions_fr: nullableText(5000).transform((v) => v ?? null),
  instructions_en: nullableText(5000).transform((v) => v ?? null),
  account_name: nullableText(150).transform((v) => v ?? null),
  account_number: nullableText(100).transform((v) => v ?? null),
  min_amount: nonNegativeMoney("The minimum").default(0),
  max_amount: nonNegativeMoney("The maximum")
    .nullish()
    .transform((v) => v ?? null),
  is_active: flag.default(false),
  fee_percent: percentBp.default(0),
  fee_fixed: nonNegativeMoney("The fixed fee").default(0),
  fee_min: nonNegativeMoney("The minimum fee").default(0),
  fee_max: nonNegativeMoney("The maximum fee")
    .nullish()
    .transform((v) => v ?? null),
});

/** The same fields, each optional; null clears a nullable one. */
export const paymentMethodUpdate = z
  .object({
    code: code.optional(),
    type: methodType.optional(),
    name: z.string().trim().min(1, "The name is required").max(100, "At most 100 characters").optional(),
    instructions_fr: nullableText(5000),
    instructions_en: nullableText(5000),
    account_name: nullableText(150),
    account_number: nullableText(100),
    min_amount: nonNegativeMoney("The minimum").optional(),
    max_amount: nonNegativeMoney("The maximum").nullable().optional(),
    is_active: flag.optional(),
    fee_percent: percentBp.optional(),
    fee_fixed: nonNegativeMoney("The fixed fee").optional(),
    fee_min: nonNegativeMoney("The minimum fee").optional(),
    fee_max: nonNegativeMoney("The maximum fee").nullable().optional(),
  })
  .refine((d) => Object.values(d).some((v) => v !== undefined), { path: ["_"], message: "Nothing to update" });

export type StaffTransactionsQuery = z.infer<typeof staffTransactionsQuery>;
export type PaymentMethodUpdate = z.infer<typeof paymentMethodUpdate>;
export type PaymentMethodCreate = z.infer<typeof paymentMethodCreate>;
