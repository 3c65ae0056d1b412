import { z } from "zod";
import { pageQuery } from "../core/pagination.ts";
import { positiveId, queryNumber } from "../core/validate.ts";
import { parseBasisPoints } from "../money/money.ts";

const flag = z.union([z.boolean(), z.literal(0), z.literal(1)], { error: "Must be true or false" }).transform(Boolean);
const queryFlag = z.enum(["0", "1", "true", "false"], { error: "Must be 0, 1, true or false" }).transform((v) => v === "1" || v === "true");
const id = positiveId("Must be a positive id");
const bpMessage = 'Must be a whole number of basis points, or a percentage such as "12.5%"';
/** Basis points as a JSON integer, or as text: "1250" or a percentage that says so, "12.5%". */
const basisPoints = z
  .union([z.number().int(), z.string().transform((s, ctx) => parseBasisPoints(s) ?? (ctx.addIssue({ code: "custom", message: bpMessage }), z.NEVER))], {
    error: bpMessage,
  })
  .pipe(z.number().min(0, "Cannot be negative: the price would fall below cost").max(100_000, "At most 100000 basis points"));
const count = z.number({ error: "Must be a whole number" }).int("Must be a whole number").min(1, "At least 1").max(1_000_000_000, "Too large");

/** GET /api/services: the catalogue at the viewer's prices. */
export const publicServicesQuery = z.object({
  /** A category id or slug. */
  category: z.string().trim().min(1).max(160).optional(),
  search: z.string().trim().max(100, "At most 100 characters").optional(),
  page: pageQuery.page,
  per_page: queryNumber().pipe(z.number().min(1, "At least 1").max(500, "At most 500")).default(100),
});
export type PublicServicesQuery = z.infer<typeof publicServicesQuery>;

export const adminServicesQuery = z.object({
  category_id: id.optional(),
  provider_id: id.optional(),
  search: z.string().trim().max(100, "At most 100 characters").optional(),
  is_active: queryFlag.optional(),
  /** A provider service type, as listed ("Default", "Package", "Custom Comments"…). */
  type: z.string().trim().max(60, "At most 60 characters").optional(),
  /** Only services the provider dropped (1) or only those it still offers (0). */
  removed: queryFlag.optional(),
  ...pageQuery,
});
export type AdminServicesQuery = z.infer<typeof adminServicesQuery>;

/** A text in one language; null (or "") shows the imported one. */
const localText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters`)
    .nullable()
    .transform((v) => v || null);

export const serviceUpdate = z
  .strictObject({
    name: z.string().trim().min(1, "Required").max(255, "At most 255 characters"),
    description: z.string().trim().max(5000, "At most 5000 characters").nullable(),
    name_fr: localText(255),
    name_en: localText(255),
    description_fr: localText(5000),
    description_en: localText(5000),
    category_id: id,
    /** Basis points over the base rate; null = the platform margin. Never below cost. */
    margin_bp: basisPoints.nullable(),
    is_active: flag,
    min: count,
    max: count,
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, "Nothing to update");
export type ServiceUpdate = z.infer<typeof serviceUpdate>;

const ICON = z
  .string()
  .trim()
  .max(60, "At most 60 characters")
  .regex(/^[A-Za-z0-9:_ .-]*$/, "Letters, digits and : _ - . only")
  .nullable();

const localName = z
  .string()
  .trim()
  .max(150, "At most 150 characters")
  .nullable()
  .transform((v) => v || null);

export const categoryUpdate = z
  .strictObject({
    name: z.string().trim().min(1, "Required").max(150, "At most 150 characters"),
    /** The names shown in French / English; null (or "") shows `name`. */
    name_fr: localName,
    name_en: localName,
    description: z.string().trim().max(2000, "At most 2000 characters").nullable(),
    sort_order: z.number({ error: "Must be a whole number" }).int("Must be a whole number").min(-1_000_000).max(1_000_000),
    is_active: flag,
    icon: ICON,
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, "Nothing to update");
export type CategoryUpdate = z.infer<typeof categoryUpdate>;

/** Several services switched on or off at once. */
export const serviceBulkUpdate = z.strictObject({
  ids: z.array(id, { error: "A list of service ids" }).min(1, "Choose at least one service").max(500, "At most 500 services at once"),
  is_active: flag,
});
export type ServiceBulkUpdate = z.infer<typeof serviceBulkUpdate>;

export const categoryCreate = z.strictObject({
  name: z.string().trim().min(1, "Required").max(150, "At most 150 characters"),
  name_fr: localName.optional(),
  name_en: localName.optional(),
  description: z.string().trim().max(2000, "At most 2000 characters").nullable().optional(),
  icon: ICON.optional(),
  is_active: flag.default(true),
});
export type CategoryCreate = z.infer<typeof categoryCreate>;

/** A category moved one place up or down in the catalogue's order. */
export const categoryMove = z.strictObject({ direction: z.enum(["up", "down"], { error: "up or down" }) });

export const syncRequest = z.strictObject({ provider_id: positiveId("Must be a provider id").optional() });
