import { tellSiteOwner } from "../notifications/site-owner.ts";
import { randomUUID } from "node:crypto";
import type { Ctx } from "../context.ts";
import { requireUser, withTransaction } from "../context.ts";
import { NotFound, fieldError } from "../core/errors.ts";
import { offsetOf, pageOf, type Page } from "../core/pagination.ts";
import { dbNow } from "../lib/time.ts";
import { ticketNotice } from "./notices.ts";
import type { OpenTicketInput, TicketStatus, TicketsQuery } from "./schema.ts";
import { loadMessages, ticketRows, type TicketDetail, type TicketRow } from "./repo.ts";
import { UUID } from "../lib/uuid.ts";
import { inTenant } from "../tenancy/scoped.ts";
import { parseOrderRef } from "../orders/numbers.ts";

/**
 * Opens a ticket for the caller with its first message. The order it names (by its number in this
 * tenant, or its uuid) must be the caller's own here: the same number on another site is not it.
 */
export async function openTicket(ctx: Ctx, input: OpenTicketInput): Promise<TicketDetail> {
  const user = requireUser(ctx);
  let orderId: number | null = null;
  const field = input.order ? "order" : "order_uuid";
  const ref = parseOrderRef(input.order ?? input.order_uuid ?? "");
  if (ref) {
    const mine = inTenant(ctx).selectFrom("orders").select("id").where("user_id", "=", user.id);
    const order = await ("number" in ref ? mine.where("number", "=", ref.number) : mine.where("uuid", "=", ref.uuid)).executeTakeFirst();
    if (!order) throw fieldError(field, "No such order of yours");
    orderId = order.id;
  }
  const uuid = randomUUID();
  await withTransaction(ctx, async (tx) => {
    const now = dbNow(tx.clock);
    const res = await inTenant(tx)
      .insertInto("tickets", {
        uuid,
        user_id: user.id,
        subject: input.subject,
        category: input.category,
        priority: input.priority,
        status: "open",
        order_id: orderId,
        last_reply_at: now,
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
    await tx.db
      .insertInto("ticket_messages")
      .values({ ticket_id: Number(res.insertId), user_id: user.id, is_staff: 0, message: input.message, created_at: now, updated_at: now })
      .execute();
  });
  // A site's owner answers its customers: one notice that counts the new tickets up.
  await tellSiteOwner(ctx, "tickets");
  return customerTicket(ctx, uuid);
}

/** The caller's tickets on this tenant, most recent activity first. */
export async function listTickets(ctx: Ctx, q: TicketsQuery): Promise<Page<TicketRow>> {
  const user = requireUser(ctx);
  let base = inTenant(ctx).selectFrom("tickets").where("tickets.user_id", "=", user.id);
  if (q.status) base = base.where("tickets.status", "=", q.status);
  const count = await base.select((e) => e.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const rows = await ticketRows(base).orderBy("tickets.updated_at", "desc").orderBy("tickets.id", "desc").limit(q.per_page).offset(offsetOf(q)).execute();
  return pageOf(rows, count.n, q);
}

async function ownTicket(ctx: Ctx, uuid: string): Promise<TicketRow> {
  const user = requireUser(ctx);
  if (!UUID.test(uuid)) throw new NotFound("Ticket not found");
  const base = inTenant(ctx).selectFrom("tickets").where("tickets.uuid", "=", uuid.toLowerCase()).where("tickets.user_id", "=", user.id);
  const row = await ticketRows(base).executeTakeFirst();
  if (!row) throw new NotFound("Ticket not found");
  return row;
}

/** One of the caller's tickets with its conversation; anybody else's is not found. */
export async function customerTicket(ctx: Ctx, uuid: string): Promise<TicketDetail> {
  const ticket = await ownTicket(ctx, uuid);
  return { ...ticket, messages: await loadMessages(ctx, ticket.id) };
}

/** The customer answers: the ticket waits for staff again (a closed ticket reopens). */
export async function replyAsCustomer(ctx: Ctx, uuid: string, message: string): Promise<TicketDetail> {
  const user = requireUser(ctx);
  const ticket = await ownTicket(ctx, uuid);
  await addMessage(ctx, ticket.id, user.id, false, message, "customer_reply");
  if (ticket.assigned_to) {
    await ticketNotice(ctx, ticket.assigned_to, "customer_replied", { subject: ticket.subject, uuid: ticket.uuid, who: user.username });
  }
  return customerTicket(ctx, uuid);
}

/** The customer closes their ticket (closing twice keeps the first time). */
export async function closeAsCustomer(ctx: Ctx, uuid: string): Promise<TicketDetail> {
  const ticket = await ownTicket(ctx, uuid);
  await markClosed(ctx, ticket.id);
  return customerTicket(ctx, uuid);
}

/** Appends a message and moves the ticket to `status`, in one transaction. */
export async function addMessage(ctx: Ctx, ticketId: number, authorId: number, isStaff: boolean, message: string, status: TicketStatus): Promise<void> {
  await withTransaction(ctx, async (tx) => {
    const now = dbNow(tx.clock);
    await tx.db
      .insertInto("ticket_messages")
      .values({ ticket_id: ticketId, user_id: authorId, is_staff: isStaff ? 1 : 0, message, created_at: now, updated_at: now })
      .execute();
    await tx.db.updateTable("tickets").set({ status, last_reply_at: now, closed_at: null, updated_at: now }).where("id", "=", ticketId).execute();
  });
}

/** Closes a ticket once; returns whether this call closed it. */
export async function markClosed(ctx: Ctx, ticketId: number): Promise<boolean> {
  const now = dbNow(ctx.clock);
  const res = await ctx.db
    .updateTable("tickets")
    .set({ status: "closed", closed_at: now, updated_at: now })
    .where("id", "=", ticketId)
    .where("status", "!=", "closed")
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
