import type { SelectQueryBuilder } from "kysely";
import type { Ctx } from "../context.ts";
import type { Database } from "../db/schema.ts";

/** Queries shared by the customer and staff sides of support. */

export interface TicketRow {
  id: number;
  uuid: string;
  site_id: number;
  user_id: number;
  subject: string;
  category: string;
  priority: string;
  status: "open" | "answered" | "customer_reply" | "closed";
  order_id: number | null;
  order_uuid: string | null;
  order_number: number | null;
  assigned_to: number | null;
  assignee_username: string | null;
  username: string | null;
  email: string | null;
  last_reply_at: string | null;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface TicketMessage {
  id: number;
  user_id: number;
  username: string | null;
  is_staff: number;
  message: string;
  created_at: string;
}

export type TicketDetail = TicketRow & { messages: TicketMessage[] };

/** Selects a ticket with its order's public id, its author and its assignee. */
export function ticketRows(base: SelectQueryBuilder<Database, "tickets", object>) {
  return base
    .leftJoin("orders", "orders.id", "tickets.order_id")
    .leftJoin("users as author", "author.id", "tickets.user_id")
    .leftJoin("users as assignee", "assignee.id", "tickets.assigned_to")
    .select([
      "tickets.id",
      "tickets.uuid",
      "tickets.site_id",
      "tickets.user_id",
      "tickets.subject",
      "tickets.category",
      "tickets.priority",
      "tickets.status",
      "tickets.order_id",
      "tickets.assigned_to",
      "tickets.last_reply_at",
      "tickets.closed_at",
      "tickets.created_at",
      "tickets.updated_at",
      "orders.uuid as order_uuid",
      "orders.number as order_number",
      "author.username as username",
      "author.email as email",
      "assignee.username as assignee_username",
    ])
    .$castTo<TicketRow>();
}

export async function loadMessages(ctx: Ctx, ticketId: number): Promise<TicketMessage[]> {
  return ctx.db
    .selectFrom("ticket_messages")
    .leftJoin("users", "users.id", "ticket_messages.user_id")
    .select([
      "ticket_messages.id",
      "ticket_messages.user_id",
      "users.username",
      "ticket_messages.is_staff",
      "ticket_messages.message",
      "ticket_messages.created_at",
    ])
    .where("ticket_messages.ticket_id", "=", ticketId)
    .orderBy("ticket_messages.created_at")
    .orderBy("ticket_messages.id")
    .execute();
}
