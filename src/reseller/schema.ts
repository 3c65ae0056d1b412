import { z } from "zod";
import { pageQuery } from "../core/pagination.ts";
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

export const siteOrdersQuery = z.object({
  ...pageQuery,
  status: z.enum(ORDER_STATUSES, { error: `One of: ${ORDER_STATUSES.join(", ")}` }).optional(),
});
export type SiteOrdersQuery = z.infer<typeof siteOrdersQuery>;
