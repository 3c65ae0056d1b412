import { z } from "zod";
import { isIsoCurrency, parseMoney } from "../money/money.ts";

const flag = z.union([z.boolean(), z.literal(0), z.literal(1)], { error: "Must be true or false" }).transform(Boolean);

/** Platform-currency units per provider-currency unit, as a decimal ("600", "655.957"). */
const exchangeRate = z.union([z.string(), z.number()], { error: 'A decimal such as "600"' }).transform((v, ctx) => {
  const micro = parseMoney(v);
  if (micro === null || micro <= 0 || micro > 1_000_000 * 1_000_000) {
    ctx.addIssue({ code: "custom", message: 'A positive decimal with at most 6 places, such as "600"' });
    return z.NEVER;
  }
  return micro;
});

/** Provider-currency amount below which admins are told; null = the platform-wide setting. */
const lowBalanceThreshold = z.union([z.string(), z.number(), z.null()], { error: 'A decimal such as "50", or null' }).transform((v, ctx) => {
  if (v === null) return null;
  const micro = parseMoney(v);
  if (micro === null || micro < 0) {
    ctx.addIssue({ code: "custom", message: 'A decimal of 0 or more with at most 6 places, such as "50", or null' });
    return z.NEVER;
  }
  return micro;
});

const fields = {
  name: z.string().trim().min(1, "Required").max(100, "At most 100 characters"),
  url: z
    .string()
    .trim()
    .max(255, "At most 255 characters")
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), "An http(s) URL such as https://panel.example/api/v2"),
  /** Write-only: never shown again. */
  key: z.string().trim().min(1, "Required").max(255, "At most 255 characters"),
  currency: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{3}$/, "A three-letter currency code")
    .refine(isIsoCurrency, "Not an ISO 4217 currency code")
    .transform((v) => v.toUpperCase()),
  exchange_rate: exchangeRate,
  low_balance_threshold: lowBalanceThreshold,
  is_active: flag,
};

export const providerUpdate = z
  .strictObject(fields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, "Nothing to update");
export type ProviderUpdate = z.infer<typeof providerUpdate>;

export const providerCreate = z.strictObject({
  ...fields,
  currency: fields.currency.default("USD"),
  exchange_rate: exchangeRate.optional(),
  low_balance_threshold: lowBalanceThreshold.optional(),
  is_active: flag.default(true),
});
export type ProviderCreate = z.infer<typeof providerCreate>;
