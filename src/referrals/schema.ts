import { z } from "zod";
import { pageQuery } from "../core/pagination.ts";
import { queryNumber } from "../core/validate.ts";

const level = queryNumber("One of 1, 2 or 3").pipe(z.number().min(1, "One of 1, 2 or 3").max(3, "One of 1, 2 or 3"));

export const referralsQuery = z.object({ ...pageQuery, level: level.optional() });
export type ReferralsQuery = z.infer<typeof referralsQuery>;

const COMMISSION_STATUSES = ["pending", "awaiting_approval", "credited", "reversed", "reversal_pending", "cancelled"] as const;
export const commissionsQuery = z.object({
  ...pageQuery,
  level: level.optional(),
  status: z.enum(COMMISSION_STATUSES, { error: `One of: ${COMMISSION_STATUSES.join(", ")}` }).optional(),
});
export type CommissionsQuery = z.infer<typeof commissionsQuery>;

const FLAG_STATUSES = ["flagged", "approved", "rejected"] as const;
export const flagsQuery = z.object({
  ...pageQuery,
  status: z.enum(FLAG_STATUSES, { error: `One of: ${FLAG_STATUSES.join(", ")}` }).default("flagged"),
});
export type FlagsQuery = z.infer<typeof flagsQuery>;
