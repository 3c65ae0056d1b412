import { toIso } from "../lib/time.ts";
import type { TicketDetail, TicketMessage, TicketRow } from "./repo.ts";

/** A ticket as its author sees it. */
export function ticketView(t: TicketRow) {
  return {
    uuid: t.uuid,
    subject: t.subject,
    category: t.category,
    priority: t.priority,
    status: t.status,
    order_number: t.order_number,
    order_uuid: t.order_uuid,
    last_reply_at: toIso(t.last_reply_at),
    closed_at: toIso(t.closed_at),
    created_at: toIso(t.created_at),
    updated_at: toIso(t.updated_at),
  };
}

/** The customer sees staff messages signed "support", never which staff member wrote them. */
function customerMessageView(m: TicketMessage) {
  return { id: m.id, message: m.message, is_staff: Boolean(m.is_staff), author: m.is_staff ? "support" : m.username, created_at: toIso(m.created_at) };
}

export function ticketDetailView(t: TicketDetail) {
  return { ...ticketView(t), messages: t.messages.map(customerMessageView) };
}

/** A ticket as staff see it: who wrote it and who handles it. */
export function staffTicketView(t: TicketRow) {
  return {
    ...ticketView(t),
    user: { id: t.user_id, username: t.username, email: t.email },
    assigned_to: t.assigned_to === null ? null : { id: t.assigned_to, username: t.assignee_username },
  };
}

export function staffTicketDetailView(t: TicketDetail) {
  return {
    ...staffTicketView(t),
    messages: t.messages.map((m) => ({
      id: m.id,
      message: m.message,
      is_staff: Boolean(m.is_staff),
      author: { id: m.user_id, username: m.username },
      created_at: toIso(m.created_at),
    })),
  };
}
