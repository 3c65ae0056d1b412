import { z } from "zod";
import { pageQuery } from "../../core/pagination.ts";
import { registerSchema } from "../../auth/schema.ts";
import { ROLES } from "../../auth/roles.ts";
import { moneyInput } from "../../wallet/schema.ts";
import { positiveId } from "../../core/validate.ts";

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "A date as YYYY-MM-DD")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), "Not a valid date");

export const usersQuery = z.object({
  ...pageQuery,
  search: z.string().trim().max(100, "At most 100 characters").optional(),
  role: z.enum(ROLES, { error: 'One of: "user", "support", "admin"' }).optional(),
  banned: z
    .enum(["0", "1", "true", "false"], { error: "0 or 1" })
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "1" || v === "true")),
  /** Registered on or after / on or before (UTC days). */
  from: day.optional(),
  to: day.optional(),
});

const register = registerSchema.shape;

export const userUpdate = z
  .object({
    username: register.username.optional(),
    email: register.email.optional(),
    role: z.enum(ROLES, { error: 'One of: "user", "support", "admin"' }).optional(),
    full_name: z
      .string()
      .trim()
      .max(120, "At most 120 characters")
      .nullable()
      .optional()
      .transform((v) => (v === "" ? null : v)),
    language: z.enum(["fr", "en"], { error: 'One of: "fr", "en"' }).optional(),
  })
  .refine((d) => Object.values(d).some((v) => v !== undefined), { path: ["_"], message: "Nothing to update" });

export const banBody = z.object({
  reason: z.string().trim().max(255, "At most 255 characters").optional(),
});

export const adjustBody = z.object({
  amount: moneyInput().refine((m) => m !== 0, "The amount cannot be zero"),
  reason: z.string({ error: "The reason is required" }).trim().min(3, "The reason is required (at least 3 characters)").max(255, "At most 255 characters"),
});

/** A user's own price of a service, per 1000 units. */
export const userPriceBody = z.object({
  service_id: positiveId("Unknown service"),
  rate: moneyInput("The price").refine((m) => m > 0, "The price must be greater than zero"),
});

export type UserPriceInput = z.infer<typeof userPriceBody>;
export type UsersQuery = z.infer<typeof usersQuery>;
export type UserUpdateInput = z.infer<typeof userUpdate>;
export type AdjustInput = z.infer<typeof adjustBody>;
