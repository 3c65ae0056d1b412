import { z } from "zod";
import { pageQuery } from "../core/pagination.ts";
import { nonNegativeMoney } from "../wallet/schema.ts";
import { ORDER_STATUSES } from "../orders/schema.ts";

const DEPOSIT_STATUSES = ["pending", "completed", "failed", "canceled"] as const;
const METHOD_TYPES = ["mobile_money", "bank", "other"] as const;

const flag = z
  .union([z.boolean(), z.literal(0), z.literal(1), z.enum(["0", "1", "true", "false"])], { error: "true or false" })
  .transform((v) => v === true || v === 1 || v === "1" || v === "true");

export const customersQuery = z.object({
  ...pageQuery,
  search: z.string().trim().max(100, "At most 100 characters").optional(),
  banned: z
    .enum(["0", "1", "true", "false"], { error: "0 or 1" })
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "1" || v === "true")),
});
export type CustomersQuery = z.infer<typeof customersQuery>;

export const depositsQuery = z.object({
  ...pageQuery,
  status: z.enum(DEPOSIT_STATUSES, { error: `One of: ${DEPOSIT_STATUSES.join(", ")}` }).optional(),
});

export const siteOrdersQuery = z.object({
  ...pageQuery,
  status: z.enum(ORDER_STATUSES, { error: `One of: ${ORDER_STATUSES.join(", ")}` }).optional(),
});
export type SiteOrdersQuery = z.infer<typeof siteOrdersQuery>;

const text = (max: number) => z.string({ error: "Must be text" }).trim().max(max, `At most ${max} characters`);
const nullableText = (max: number) =>
  text(max)
    .nullish()
    .transform((v) => (v === "" || v == null ? null : v));

const methodFields = {
  code: text(50).regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, "Lowercase letters, digits, - and _ (e.g. orange_money)"),
  name: text(100).min(1, "The name is required"),
  type: z.enum(METHOD_TYPES, { error: `One of: ${METHOD_TYPES.join(", ")}` }),
  instructions_fr: nullableText(5000),
  instructions_en: nullableText(5000),
  account_name: nullableText(150),
  account_number: nullableText(100),
  min_amount: nonNegativeMoney("The minimum"),
  max_amount: nonNegativeMoney("The maximum")
    .nullish()
    .transform((v) => v ?? null),
  is_active: flag,
};

/** A reseller's deposit method for its customers; it starts inactive unless is_active is sent. */
export const paymentMethodCreate = z.object({
  ...methodFields,
  type: methodFields.type.default("mobile_money"),
  min_amount: methodFields.min_amount.default(0),
  is_active: flag.default(false),
});
export type PaymentMethodCreate = z.infer<typeof paymentMethodCreate>;

/** The same fields, each optional; null clears a nullable one. */
export const paymentMethodUpdate = z
  .object({
    code: methodFields.code.optional(),
    name: methodFields.name.optional(),
    type: methodFields.type.optional(),
    instructions_fr: methodFields.instructions_fr.optional(),
    instructions_en: methodFields.instructions_en.optional(),
    account_name: methodFields.account_name.optional(),
    account_number: methodFields.account_number.optional(),
    min_amount: methodFields.min_amount.optional(),
    max_amount: nonNegativeMoney("The maximum").nullable().optional(),
    is_active: flag.optional(),
  })
  .refine((d) => Object.values(d).some((v) => v !== undefined), { path: ["_"], message: "Nothing to update" });
export type PaymentMethodUpdate = z.infer<typeof paymentMethodUpdate>;
