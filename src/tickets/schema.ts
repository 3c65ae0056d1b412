import { z } from "zod";
import { pageQuery } from "../core/pagination.ts";
import { UUID } from "../lib/uuid.ts";
import { positiveId } from "../core/validate.ts";
import { parseOrderRef } from "../orders/numbers.ts";

const TICKET_CATEGORIES = ["general", "order", "payment", "technical", "api", "white_label", "other"] as const;
const TICKET_PRIORITIES = ["low", "normal", "high", "urgent"] as const;
const TICKET_STATUSES = ["open", "answered", "customer_reply", "closed"] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Message bodies are plain text, stored as written and never rendered as HTML. */
const MESSAGE_MAX = 5000;

const message = z
  .string({ error: "A message is required" })
  .trim()
  .min(1, "A message is required")
  .max(MESSAGE_MAX, `At most ${MESSAGE_MAX} characters`)
  .refine((s) => !s.includes("\u0000"), "Contains a forbidden character");

const uuid = z.string().trim().regex(UUID, "Not an order id");
/** The order number as pages show it (`#1234` or `1234`), or its uuid. */
const orderRef = z
  .string({ error: "An order number such as #1234" })
  .trim()
  .max(40, "An order number such as #1234")
  .refine((s) => parseOrderRef(s) !== null, "An order number such as #1234");

/** Control characters and bidi overrides/isolates would disguise a subject in staff lists and notices. */
const DISGUISING = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

export const openTicketBody = z.object({
  subject: z
    .string({ error: "A subject is required" })
    .trim()
    .min(3, "At least 3 characters")
    .max(200, "At most 200 characters")
    .refine((s) => !DISGUISING.test(s), "Control and text-direction characters are not allowed"),
  message,
  category: z.enum(TICKET_CATEGORIES, { error: `One of: ${TICKET_CATEGORIES.join(", ")}` }).default("general"),
  priority: z.enum(TICKET_PRIORITIES, { error: `One of: ${TICKET_PRIORITIES.join(", ")}` }).default("normal"),
  order_uuid: uuid.nullish().or(z.literal("").transform(() => null)),
  /** The order this is about, by the number pages show; `order_uuid` is kept for older clients. */
  order: z
    .union([orderRef, z.number().int().positive().transform(String)], { error: "An order number such as #1234" })
    .nullish()
    .or(z.literal("").transform(() => null)),
});
export type OpenTicketInput = z.infer<typeof openTicketBody>;

export const replyBody = z.object({ message });

const status = z.enum(TICKET_STATUSES, { error: `One of: ${TICKET_STATUSES.join(", ")}` });

export const ticketsQuery = z.object({ ...pageQuery, status: status.optional() });
export type TicketsQuery = z.infer<typeof ticketsQuery>;

export const staffTicketsQuery = z.object({
  ...pageQuery,
  status: status.optional(),
  priority: z.enum(TICKET_PRIORITIES, { error: `One of: ${TICKET_PRIORITIES.join(", ")}` }).optional(),
  category: z.enum(TICKET_CATEGORIES, { error: `One of: ${TICKET_CATEGORIES.join(", ")}` }).optional(),
  /** An admin's id, "me" or "none". */
  assigned_to: z.union([z.literal("me"), z.literal("none"), positiveId('An admin id, "me" or "none"')], { error: 'An admin id, "me" or "none"' }).optional(),
  user_id: positiveId("Must be a user id").optional(),
  search: z.string().trim().max(100, "At most 100 characters").optional(),
});
export type StaffTicketsQuery = z.infer<typeof staffTicketsQuery>;

export const assignBody = z.object({
  /** The staff member to assign; null unassigns. */
  admin_id: positiveId("An admin id (or null to unassign)").nullable(),
});
