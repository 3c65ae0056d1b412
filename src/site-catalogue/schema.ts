import { z } from "zod";

/** The longest name and description a site may give a service or a category (the columns hold 255 and much more). */
export const NAME_MAX = 120;
export const DESCRIPTION_MAX = 2000;

/** Empty or blank clears the text: the platform's shows again. */
const text = (max: number, what: string) =>
  z
    .string({ error: `${what} as text, or null` })
    .max(max, `At most ${max} characters`)
    .refine((s) => !s.includes("\u0000"), "Contains a forbidden character")
    .nullable()
    .optional()
    .transform((v) => (v === undefined ? undefined : v?.trim() || null));

const texts = {
  name_fr: text(NAME_MAX, "A name"),
  name_en: text(NAME_MAX, "A name"),
  description_fr: text(DESCRIPTION_MAX, "A description"),
  description_en: text(DESCRIPTION_MAX, "A description"),
};

/** A service's texts on the site: a field left out is kept, null or "" shows the platform's again. */
export const serviceTextsBody = z.object(texts).strict();
export type ServiceTextsInput = Partial<z.infer<typeof serviceTextsBody>>;

/** A category on the site: its texts as a service's, and whether it is featured. */
export const categoryBody = z.object({ ...texts, featured: z.boolean({ error: "true or false" }).optional() }).strict();
export type CategoryInput = Partial<z.infer<typeof categoryBody>>;

export const moveBody = z.object({ direction: z.enum(["up", "down"], { error: 'Either "up" or "down"' }) }).strict();

export const platformBody = z.object({ hidden: z.boolean({ error: "true or false" }) }).strict();

export const servicesQuery = z.object({
  search: z.string().max(100, "At most 100 characters").optional(),
  page: z
    .string()
    .regex(/^\d{1,5}$/, "A page number")
    .optional(),
});
