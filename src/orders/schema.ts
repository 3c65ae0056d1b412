import { z } from "zod";
import { positiveId, wholeNumber } from "../core/validate.ts";
import { pageQuery } from "../core/pagination.ts";
import { moneyInput } from "../wallet/schema.ts";

export const ORDER_STATUSES = ["pending", "processing", "in_progress", "completed", "partial", "canceled", "refunded", "failed"] as const;
const DISPATCH_STATES = ["queued", "sending", "sent", "failed", "unknown"] as const;
/** What admins filter the dispatch by: a state, or `held` (queued while its provider refuses orders). */
export const DISPATCH_FILTERS = [...DISPATCH_STATES, "held"] as const;

/** The part of an order body every type shares; the type's own fields are read by fields.ts once the service is known. */
export const placeOrderBase = z.object({
  service_id: positiveId("Unknown service"),
});

export const MASS_MAX_LINES = 100;

export const massOrderBody = z.object({
  orders: z
    .string({ error: "The orders are required: one service_id|link|quantity per line" })
    .max(200_000, "Too long")
    .refine((v) => v.split(/\r?\n/).some((l) => l.trim() !== ""), "At least one line: service_id|link|quantity")
    .refine((v) => v.split(/\r?\n/).filter((l) => l.trim() !== "").length <= MASS_MAX_LINES, `At most ${MASS_MAX_LINES} lines`),
});

const search = z.string().trim().max(200, "At most 200 characters").optional();

export const userOrdersQuery = z.object({
  ...pageQuery,
  status: z.enum(ORDER_STATUSES, { error: `One of: ${ORDER_STATUSES.join(", ")}` }).optional(),
  search,
});

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "A date as YYYY-MM-DD")
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), "Not a valid date")
  .optional();
const id = positiveId("Must be a positive id").optional();

export const adminOrdersQuery = z.object({
  ...pageQuery,
  status: z.enum(ORDER_STATUSES, { error: `One of: ${ORDER_STATUSES.join(", ")}` }).optional(),
  dispatch_state: z.enum(DISPATCH_FILTERS, { error: `One of: ${DISPATCH_FILTERS.join(", ")}` }).optional(),
  user_id: id,
  /** A customer by username or e-mail. */
  user: z.string().trim().min(1).max(191, "At most 191 characters").optional(),
  /** The platform orders that fulfil this white-label site's orders. */
  site_id: id,
  service_id: id,
  provider_id: id,
  from: day,
  to: day,
  search,
});

const ADMIN_SETTABLE = ["pending", "processing", "in_progress", "completed", "partial", "canceled", "refunded"] as const;

export const adminStatusBody = z
  .object({
    status: z.enum(ADMIN_SETTABLE, { error: `One of: ${ADMIN_SETTABLE.join(", ")}` }),
    remains: wholeNumber("A whole number of units, at least 0", { min: 0 }).optional(),
    note: z.string().trim().max(500, "At most 500 characters").optional(),
  })
  .refine((v) => v.status !== "partial" || v.remains !== undefined, { path: ["remains"], message: "Required for a partial order: the units not delivered" });

export const adminRefundBody = z.object({
  /** Omitted: everything not yet refunded. */
  amount: moneyInput()
    .refine((m) => m > 0, "The amount must be greater than zero")
    .optional(),
  reason: z.string({ error: "A reason is required" }).trim().min(3, "A reason is required (at least 3 characters)").max(255, "At most 255 characters"),
});

export const reconcileBody = z
  .object({
    action: z.enum(["resend", "mark_sent", "refund"], { error: "One of: resend, mark_sent, refund" }),
    provider_order_id: z
      .union([z.string(), z.number().int().nonnegative()], { error: "The provider's order id, as text or a number" })
      .transform(String)
      .pipe(z.string().trim().min(1, "Required").max(64, "At most 64 characters"))
      .optional(),
    note: z.string().trim().max(500, "At most 500 characters").optional(),
  })
  .refine((v) => v.action !== "mark_sent" || v.provider_order_id !== undefined, {
    path: ["provider_order_id"],
    message: "The provider's order id is required to mark the order sent",
  });

/** Several orders whose dispatch is unknown, settled alike (marking sent needs each order's own provider id: one at a time). */
export const reconcileManyBody = z.object({
  order_ids: z
    .array(positiveId("Must be a positive id"), { error: "A list of order ids" })
    .min(1, "Choose at least one order")
    .max(100, "At most 100 orders at once")
    .transform((ids) => [...new Set(ids)]),
  action: z.enum(["resend", "refund"], { error: "One of: resend, refund" }),
  note: z.string().trim().max(500, "At most 500 characters").optional(),
});

export type UserOrdersQuery = z.infer<typeof userOrdersQuery>;
export type AdminOrdersQuery = z.infer<typeof adminOrdersQuery>;
export type AdminStatusInput = z.infer<typeof adminStatusBody>;
export type AdminRefundInput = z.infer<typeof adminRefundBody>;
export type ReconcileInput = z.infer<typeof reconcileBody>;
export type ReconcileManyInput = z.infer<typeof reconcileManyBody>;
