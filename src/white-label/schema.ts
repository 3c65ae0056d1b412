import { z } from "zod";
import { plainNumber } from "../core/form-number.ts";
import { parseRate } from "../money/exchange.ts";
import { parseMoney, parsePercent } from "../money/money.ts";
import { pageQuery } from "../core/pagination.ts";
import { normalizeHost, slugProblem } from "./hostnames.ts";
import { positiveId, wholeNumber } from "../core/validate.ts";

const id = positiveId("Must be a positive id");

/** Plain text a reseller types: trimmed, no control characters; it is escaped when rendered, never stored as HTML. */
function plainText(max: number, opts: { min?: number; multiline?: boolean } = {}) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters in what a reseller types is the point
  const control = opts.multiline ? /[\u0000-\u0009\u000b-\u001f\u007f]/ : /[\u0000-\u001f\u007f]/;
  return z
    .string({ error: "Must be text" })
    .transform((s) => s.replace(/\r\n?/g, "\n").trim())
    .refine((s) => !control.test(s), "Control characters are not allowed")
    .refine((s) => s.length >= (opts.min ?? 0), opts.min ? `At least ${opts.min} characters` : "Required")
    .refine((s) => s.length <= max, `At most ${max} characters`);
}

/** A price as a decimal string ("15000", "12.5"), strictly positive, in micro-units. */
const moneyInput = z.union([z.string(), z.number()], { error: 'Must be a decimal amount such as "1500" or "12.5"' }).transform((v, ctx) => {
  const micro = parseMoney(typeof v === "string" ? plainNumber(v) : v);
  if (micro === null || micro <= 0) {
    ctx.addIssue({ code: "custom", message: "Must be a positive decimal amount with at most 6 decimals" });
    return z.NEVER;
  }
  return micro;
});

/** A percentage as a decimal string ("30", "12.5", "12.5%") → basis points, 0 to 1000 %. */
const percentInput = z.union([z.string(), z.number()], { error: 'Must be a percentage such as "30" or "12.5"' }).transform((v, ctx) => {
  const bp = parsePercent(typeof v === "string" ? plainNumber(v) : v);
  if (bp === null || bp > 100_000) {
    ctx.addIssue({ code: "custom", message: "Must be a percentage between 0 and 1000 with at most 2 decimals" });
    return z.NEVER;
  }
  return bp;
});

const slugInput = z
  .string({ error: "Must be text" })
  .transform((s) => s.trim().toLowerCase())
  .superRefine((s, ctx) => {
    const problem = slugProblem(s);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** Shape only; whether the platform lets this domain be used is decided with the config, in the service. */
const domainInput = z.string({ error: "Must be a hostname" }).max(253, "At most 253 characters").transform(normalizeHost);

export const purchaseSchema = z.object({
  plan_id: id,
  template_id: id,
  billing_cycle: z.enum(["monthly", "yearly"], { error: "Must be monthly or yearly" }),
  site_name: plainText(100, { min: 2 }),
  slug: slugInput,
  custom_domain: domainInput.nullish().transform((d) => d || null),
});
export type PurchaseInput = z.infer<typeof purchaseSchema>;

const hexColor = z
  .string({ error: "Must be a colour such as #4f46e5" })
  .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, "Must be a colour such as #4f46e5")
  .transform((s) => s.toLowerCase());

const httpUrl = z
  .string({ error: "Must be a URL" })
  .trim()
  .max(500, "At most 500 characters")
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === "https:" || u.protocol === "http:") && !u.username && !u.password && !/[\s"'<>`]/.test(s);
    } catch {
      return false;
    }
  }, "Must be an http:// or https:// address");

const phone = z
  .string({ error: "Must be a phone number" })
  .trim()
  .regex(/^\+?[0-9][0-9 ().-]{5,24}$/, "Must be a phone number such as +225 07 00 00 00 00");

/** Contact links; each maps to a theme setting (contact_whatsapp, instagram_url…). */
const contactSchema = z
  .strictObject({
    whatsapp: phone.nullable(),
    telegram: z.string({ error: "Must be a Telegram username or t.me link" }).trim().max(100).nullable(),
    email: z.email("Must be an e-mail address").max(190).nullable(),
    instagram: httpUrl.nullable(),
    facebook: httpUrl.nullable(),
    tiktok: httpUrl.nullable(),
    youtube: httpUrl.nullable(),
    x: httpUrl.nullable(),
  })
  .partial();

/**
 * Branding update: every field optional (a partial update); `null` clears an optional field.
 * `contact` is replaced as a whole when given; `settings` (any setting of the theme's theme.json)
 * are merged, a null value clearing one. Values are checked against the theme before saving.
 */
export const brandingSchema = z.strictObject({
  name: plainText(100, { min: 2 }).optional(),
  tagline: plainText(200).nullish(),
  primary_color: hexColor.nullish(),
  accent_color: hexColor.nullish(),
  language: z.enum(["fr", "en"], { error: "Must be fr or en" }).optional(),
  currency: z
    .string({ error: "Must be a currency code" })
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/, "Must be a 3-letter currency code such as XOF")
    .optional(),
  contact: contactSchema.nullish(),
  footer_text: plainText(500, { multiline: true }).nullish(),
  settings: z.record(z.string(), z.unknown(), { error: "Must be an object of theme settings" }).nullish(),
  template_id: id.optional(),
  remove_logo: z.boolean().optional(),
});
export type BrandingInput = z.infer<typeof brandingSchema>;

/** A site's currency and rate: `rate` (what 1 unit of the currency is worth in the platform currency, "655.957") or null to follow the platform's. */
export const siteCurrencySchema = z.strictObject({
  currency: z
    .string({ error: "Must be a currency code" })
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/, "Must be a 3-letter currency code such as XOF or EUR"),
  rate: z
    .union([z.string(), z.number()], { error: 'Must be a decimal rate such as "655.957", or null to follow the platform' })
    .transform((v, ctx) => {
      const rate = parseRate(typeof v === "string" ? plainNumber(v) : v);
      if (rate === null) {
        ctx.addIssue({ code: "custom", message: "Must be a positive decimal rate with at most 6 decimals" });
        return z.NEVER;
      }
      return rate;
    })
    .nullish(),
});
export type SiteCurrencyInput = z.infer<typeof siteCurrencySchema>;

const ruleFields = {
  margin: percentInput.nullish(),
  fixed_rate: moneyInput.nullish(),
  hidden: z.boolean({ error: "Must be true or false" }).optional(),
};
const oneKind = (r: { margin?: number | null; fixed_rate?: number | null }) => r.margin == null || r.fixed_rate == null;
const oneKindMessage = { message: "Give either a margin or a fixed_rate, not both", path: ["fixed_rate"] };

/**
 * Pricing update. Each listed rule is the complete rule of its target (margin, fixed price, hidden);
 * a rule with none of them is removed. Rules not listed are kept, unless `reset` is true: then the
 * listed rules replace the whole rule set.
 */
export const pricingSchema = z.strictObject({
  default_margin: percentInput.optional(),
  reset: z.boolean({ error: "Must be true or false" }).default(false),
  categories: z
    .array(z.strictObject({ category_id: id, ...ruleFields }).refine(oneKind, oneKindMessage))
    .max(500)
    .default([]),
  services: z
    .array(z.strictObject({ service_id: id, ...ruleFields }).refine(oneKind, oneKindMessage))
    .max(10_000)
    .default([]),
});
export type PricingInput = z.infer<typeof pricingSchema>;

export const domainSchema = z.strictObject({
  custom_domain: domainInput.nullable().transform((d) => d || null),
});

export const planUpdateSchema = z
  .strictObject({
    name: plainText(100, { min: 2 }),
    description: plainText(1000, { multiline: true }).nullable(),
    price_monthly: moneyInput,
    price_yearly: moneyInput,
    max_customers: z.number({ error: "Must be a whole number or null" }).int().min(1).nullable(),
    allows_custom_domain: z.boolean({ error: "Must be true or false" }),
    customer_api: z.boolean({ error: "Must be true or false" }),
    features: z.array(plainText(120, { min: 1 })).max(30),
    is_active: z.boolean({ error: "Must be true or false" }),
    sort_order: z.number().int().min(0).max(1_000_000),
  })
  .partial();
export type PlanUpdate = z.infer<typeof planUpdateSchema>;

/** A new plan: its slug (a stable handle, unique), name and both prices are required; the rest as in an update. */
export const planCreateSchema = planUpdateSchema.required({ name: true, price_monthly: true, price_yearly: true }).extend({
  slug: z
    .string({ error: "Must be text" })
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/, "Lowercase letters, digits and dashes, 1 to 60 characters"),
});
export type PlanCreate = z.infer<typeof planCreateSchema>;

export const templateUpdateSchema = z
  .strictObject({
    name: plainText(100, { min: 2 }),
    description: plainText(1000, { multiline: true }).nullable(),
    is_active: z.boolean({ error: "Must be true or false" }),
    sort_order: z.number({ error: "Must be a whole number" }).int().min(0).max(1_000_000),
  })
  .partial();
export type TemplateUpdate = z.infer<typeof templateUpdateSchema>;

/** A template for an installed theme folder that has none yet: the slug names the folder. */
export const templateCreateSchema = templateUpdateSchema.required({ name: true }).extend({
  slug: z.string({ error: "Must be the name of an installed theme" }).trim().toLowerCase().max(60, "At most 60 characters"),
});
export type TemplateCreate = z.infer<typeof templateCreateSchema>;

/** Days given to a site's current period, 1 to 3 years' worth. */
export const extendSchema = z.strictObject({
  days: wholeNumber("Must be a whole number of days between 1 and 1095", { min: 1, max: 1095 }),
});

export const adminSitesQuery = z.object({
  ...pageQuery,
  status: z.enum(["active", "grace", "suspended", "disabled"]).optional(),
  search: z.string().trim().max(100).optional(),
  /** The owner's username or e-mail, or part of it. */
  owner: z.string().trim().max(100).optional(),
  owner_id: id.optional(),
  plan_id: id.optional(),
});

export const adminSubscriptionsQuery = z.object({
  ...pageQuery,
  status: z.enum(["active", "grace", "suspended", "canceled"]).optional(),
  site_id: id.optional(),
  user_id: id.optional(),
});

export const adminInvoicesQuery = z.object({
  ...pageQuery,
  search: z.string().trim().max(100).optional(),
  user_id: id.optional(),
});

export const listQuery = z.object({ ...pageQuery });

export const tlsAskQuery = z.object({ domain: z.string().max(253).transform(normalizeHost) });

/** A reseller's plan change (docs/white-label.md, "Changing plan"). */
export const planChangeSchema = z.strictObject({
  plan_id: id,
  billing_cycle: z.enum(["monthly", "yearly"], { error: "Must be monthly or yearly" }),
});
export type PlanChangeInput = z.infer<typeof planChangeSchema>;

/** Deleting a site: its slug, typed again. */
export const siteDeleteSchema = z.strictObject({
  confirm_slug: z.string({ error: "Type the site's address (its slug)" }).trim().max(100, "Type the site's address (its slug)"),
});
