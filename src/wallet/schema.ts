import { z } from "zod";
import { plainNumber } from "../core/form-number.ts";
import { pageQuery } from "../core/pagination.ts";
import { parseMoney } from "../money/money.ts";
import { positiveId } from "../core/validate.ts";

export const TRANSACTION_TYPES = [
  "deposit",
  "order",
  "refund",
  "referral_commission",
  "referral_reversal",
  "adjustment",
  "white_label_purchase",
  "subscription",
  "bonus",
] as const;
export const TRANSACTION_STATUSES = ["pending", "completed", "failed", "canceled"] as const;

export const transactionsQuery = z.object({
  ...pageQuery,
  type: z.enum(TRANSACTION_TYPES, { error: `One of: ${TRANSACTION_TYPES.join(", ")}` }).optional(),
  status: z.enum(TRANSACTION_STATUSES, { error: `One of: ${TRANSACTION_STATUSES.join(", ")}` }).optional(),
});

/** A money amount sent as a decimal string or a JSON number, at most 6 decimals → micro-units. */
export const moneyInput = (what = "The amount") =>
  z.union([z.string(), z.number()], { error: `${what} is required` }).transform((v, ctx) => {
    const micro = parseMoney(typeof v === "string" ? plainNumber(v) : v);
    if (micro === null) {
      ctx.addIssue({ code: "custom", message: `${what} must be a decimal number with at most 6 decimals` });
      return z.NEVER;
    }
    return micro;
  });

/** A money amount (limits, fixed fees) that may be zero but never negative. */
export const nonNegativeMoney = (what: string) => moneyInput(what).refine((m) => m >= 0, `${what} cannot be negative`);

export const depositBody = z.object({
  payment_method_id: positiveId("Unknown payment method"),
  amount: moneyInput().refine((m) => m > 0, "The amount must be greater than zero"),
  reference: z
    .string({ error: "The payment reference is required" })
    .trim()
    .min(3, "The payment reference is required (at least 3 characters)")
    .max(100, "At most 100 characters")
    .regex(/^[\p{L}\p{N} ._:/#-]+$/u, "Letters, digits, spaces and . _ : / # - only"),
  phone: z
    .string()
    .trim()
    .max(30, "At most 30 characters")
    .regex(/^\+?[0-9 ().-]{6,30}$/, "Not a valid phone number")
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

export type TransactionsQuery = z.infer<typeof transactionsQuery>;
export type DepositInput = z.infer<typeof depositBody>;
