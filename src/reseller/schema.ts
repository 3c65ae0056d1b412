import { z } from "zod";
import { pageQuery } from "../core/pagination.ts";
import { positiveId } from "../core/validate.ts";
import { ORDER_STATUSES } from "../orders/schema.ts";

const DEPOSIT_STATUSES = ["pending", "completed", "failed", "canceled"] as const;

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

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "A date as YYYY-MM-DD")
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), "Not a valid date")
  .optional();

/** The site's orders list: by status, service and day of placement (both days included), and a search. */
export const siteOrdersQuery = z
  .object({
    ...pageQuery,
    status: z.enum(ORDER_STATUSES, { error: `One of: ${ORDER_STATUSES.join(", ")}` }).optional(),
    service_id: positiveId("A service id").optional(),
    from: day,
    to: day,
    /** An order number (`#1234` or `1234`) or uuid, a piece of the link, or of the customer's e-mail or username. */
    search: z.string().trim().max(200, "At most 200 characters").optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ["to"], message: "On or after the start date" });
export type SiteOrdersQuery = z.infer<typeof siteOrdersQuery>;

/** The period of the site's figures: `days` (1, 7 or 30) or a chosen range `from`/`to` (checked by statistics/figures.ts). */
export const statsQuery = z.object({
  days: z.enum(["1", "7", "30"], { error: "One of: 1, 7, 30" }).optional(),
  from: z.string().max(20, "A date as YYYY-MM-DD").optional(),
  to: z.string().max(20, "A date as YYYY-MM-DD").optional(),
});
