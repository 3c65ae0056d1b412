import { z } from "zod";
import { LANGS } from "../i18n/lang.ts";

/** Blank means "remove it": a form sends "" for an emptied field, JSON may send null. */
const optionalText = (inner: z.ZodString) =>
  z.union([z.null(), z.literal("").transform(() => null), z.string().trim().pipe(inner)], { error: "Must be a text" }).transform((v) => (v === "" ? null : v));

export const profileBody = z.object({
  full_name: optionalText(
    z
      .string()
      .max(120, "At most 120 characters")
      .regex(/^[^\p{Cc}\p{Cf}]*$/u, "Control characters are not allowed"),
  ).optional(),
  // An international number as people type it: "+225 07 12 34 56", "(514) 555-0199".
  phone: optionalText(
    z
      .string()
      .regex(/^\+?[\d\s().-]{6,25}$/, "Not a valid phone number")
      .refine((v) => (v.match(/\d/g)?.length ?? 0) >= 6, "Not a valid phone number"),
  ).optional(),
  language: z.enum(LANGS, { error: `One of: ${LANGS.join(", ")}` }).optional(),
});

export type ProfileInput = z.infer<typeof profileBody>;
