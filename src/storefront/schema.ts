import { z } from "zod";
import { queryNumber } from "../core/validate.ts";

/** A label shown to resellers in the branding editor, in both shipped languages. */
const label = z.object({ fr: z.string().min(1).max(120), en: z.string().min(1).max(120) });

const settingId = z.string().regex(/^[a-z][a-z0-9_]{0,40}$/, "setting ids are snake_case");

const base = { id: settingId, label, group: z.string().max(40).optional() };

/**
 * One typed setting of a theme, like an entry of Shopify's settings_schema.json.
 * Every value a reseller stores is checked against its setting before it is saved and again when read.
 */
const settingSchema = z.discriminatedUnion("type", [
  z.object({ ...base, type: z.literal("color"), default: z.string().regex(/^#[0-9a-fA-F]{6}$/, "colour defaults are #rrggbb") }),
  z.object({
    ...base,
    type: z.literal("text"),
    default: z.string(),
    max: z.number().int().min(1).max(500).default(120),
    pattern: z.string().max(200).optional(),
  }),
  z.object({ ...base, type: z.literal("textarea"), default: z.string(), max: z.number().int().min(1).max(5000).default(500) }),
  z.object({ ...base, type: z.literal("boolean"), default: z.boolean() }),
  z.object({ ...base, type: z.literal("url"), default: z.string(), max: z.number().int().min(10).max(2048).default(300) }),
  z.object({ ...base, type: z.literal("email"), default: z.string(), max: z.number().int().min(6).max(190).default(190) }),
  z.object({ ...base, type: z.literal("phone"), default: z.string(), max: z.number().int().min(6).max(32).default(24) }),
  z.object({
    ...base,
    type: z.literal("select"),
    default: z.string(),
    options: z
      .array(z.object({ value: z.string().regex(/^[a-z0-9-]{1,40}$/), label }))
      .min(1)
      .max(30),
  }),
]);

export type ThemeSetting = z.infer<typeof settingSchema>;

export const themeManifestSchema = z
  .object({
    name: z.string().min(1).max(60),
    description: label,
    version: z.string().max(20).default("1.0.0"),
    author: z.string().max(80).optional(),
    /** The platform's own look: never offered to resellers. */
    platform_only: z.boolean().default(false),
    settings: z.array(settingSchema).min(1).max(80),
  })
  .superRefine((theme, ctx) => {
    const seen = new Set<string>();
    for (const [i, s] of theme.settings.entries()) {
      if (seen.has(s.id)) ctx.addIssue({ code: "custom", path: ["settings", i, "id"], message: `duplicate setting ${s.id}` });
      seen.add(s.id);
      if (s.type === "select" && !s.options.some((o) => o.value === s.default)) {
        ctx.addIssue({ code: "custom", path: ["settings", i, "default"], message: "the default must be one of the options" });
      }
      if (s.type === "text" && s.pattern) {
        try {
          new RegExp(s.pattern);
        } catch {
          ctx.addIssue({ code: "custom", path: ["settings", i, "pattern"], message: "not a valid regular expression" });
        }
      }
    }
  });

export type ThemeManifest = z.infer<typeof themeManifestSchema>;

/** Settings the storefront engine reads itself, so every theme must declare them. */
export const REQUIRED_SETTINGS: Record<string, ThemeSetting["type"]> = {
  primary_color: "color",
  accent_color: "color",
  background_color: "color",
  text_color: "color",
  tagline: "text",
  hero_title: "text",
  hero_subtitle: "textarea",
  show_stats: "boolean",
  contact_whatsapp: "phone",
  contact_telegram: "text",
  contact_email: "email",
  footer_text: "textarea",
};

/** A locale file: flat keys ("home.hero_title") to strings with {placeholders}. */

const text = (max: number) => z.string().trim().max(max).optional().default("");

/** Storefront forms: field names match src/auth/schema.ts; messages are translated by the page. */
export const catalogueQuerySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  category: z
    .string()
    .regex(/^[a-z0-9-]{1,160}$/)
    .optional()
    .catch(undefined),
  page: queryNumber().pipe(z.number().min(1).max(1000)).optional().catch(undefined),
});

export const loginFormSchema = z.object({ login: text(190), password: z.string().max(200).optional().default(""), next: text(300) });
export const twoFactorFormSchema = z.object({ code: text(40), next: text(300) });
export const registerFormSchema = z.object({
  username: text(60),
  email: text(190),
  password: z.string().max(300).optional().default(""),
  password_confirmation: z.string().max(300).optional().default(""),
  referral_code: text(20),
  next: text(300),
});
