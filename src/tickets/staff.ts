import { STAFF_ROLES } from "../auth/roles.ts";
import { sendTenantMail } from "../notifications/mail.ts";
import { ticketReplyEmail } from "../mail/templates.ts";
import type { Ctx } from "../context.ts";
import { requireUser } from "../context.ts";
import { NotFound, fieldError } from "../core/errors.ts";
import { offsetOf, pageOf, type Page } from "../core/pagination.ts";
import { dbNow } from "../lib/time.ts";
import { writeAudit } from "../audit/audit.ts";
import { likeContaining } from "../lib/sql-like.ts";
import { ticketNotice } from "./notices.ts";
import { addMessage, markClosed } from "./service.ts";
import type { StaffTicketsQuery } from "./schema.ts";
import { loadMessages, ticketRows, type TicketDetail, type TicketRow } from "./repo.ts";
import { UUID } from "../lib/uuid.ts";
import { inTenant, onPlatform } from "../tenancy/scoped.ts";

/**
 * The staff side of support, for any tenant: the platform's admins answer platform tickets
 * (site 0); a reseller answers the tickets of their own site's customers with a site ctx.
 * Every action is scoped by ctx.tenant.siteId and recorded in audit_logs.
 */

export async function listStaffTickets(ctx: Ctx, q: StaffTicketsQuery): Promise<Page<TicketRow>> {
  const me = requireUser(ctx);
  let base = inTenant(ctx).selectFrom("tickets");
  if (q.status) base = base.where("tickets.status", "=", q.status);
  if (q.priority) base = base.where("tickets.priority", "=", q.priority);
  if (q.category) base = base.where("tickets.category", "=", q.category);
  if (q.user_id) base = base.where("tickets.user_id", "=", q.user_id);
  if (q.assigned_to === "none") base = base.where("tickets.assigned_to", "is", null);
  else if (q.assigned_to !== undefined) base = base.where("tickets.assigned_to", "=", q.assigned_to === "me" ? me.id : q.assigned_to);
  if (q.search) base = base.where(likeContaining(q.search)("tickets.subject"));
  const count = await base.select((e) => e.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const rows = await ticketRows(base).orderBy("tickets.updated_at", "desc").orderBy("tickets.id", "desc").limit(q.per_page).offset(offsetOf(q)).execute();
  return pageOf(rows, count.n, q);
}

async function tenantTicket(ctx: Ctx, uuid: string): Promise<TicketRow> {
  if (!UUID.test(uuid)) throw new NotFound("Ticket not found");
  const row = await ticketRows(inTenant(ctx).selectFrom("tickets").where("tickets.uuid", "=", uuid.toLowerCase())).executeTakeFirst();
  if (!row) throw new NotFound("Ticket not found");
  return row;
}

export async function staffTicket(ctx: Ctx, uuid: string): Promise<TicketDetail> {
  const ticket = await tenantTicket(ctx, uuid);
  return { ...ticket, messages: await loadMessages(ctx, ticket.id) };
}

/** Whether a user may answer this tenant's tickets: platform staff (admin or support), or the site's owner. */
async function isStaffOfTenant(ctx: Ctx, userId: number): Promise<boolean> {
  if (ctx.tenant.kind === "site") return ctx.tenant.site.owner_id === userId;
  const u = await onPlatform(ctx.db)
    .selectFrom("users")
    .select("id")
    .where("id", "=", userId)
    .where("role", "in", STAFF_ROLES)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return Boolean(u);
}

/** Assigns a ticket to a staff member of the tenant (null unassigns) and tells the assignee. */
export async function assignTicket(ctx: Ctx, uuid: string, assigneeId: number | null): Promise<TicketDetail> {
  const ticket = await tenantTicket(ctx, uuid);
  if (assigneeId !== null && !(await isStaffOfTenant(ctx, assigneeId))) throw fieldError("admin_id", "Not an administrator");
  const now = dbNow(ctx.clock);
  await ctx.db.updateTable("tickets").set({ assigned_to: assigneeId, updated_at: now }).where("id", "=", ticket.id).execute();
  await writeAudit(ctx, { action: "ticket.assign", targetType: "ticket", targetId: ticket.uuid, data: { from: ticket.assigned_to, to: assigneeId } });
  if (assigneeId !== null && assigneeId !== ticket.assigned_to && assigneeId !== ctx.user?.id) {
    await ticketNotice(ctx, assigneeId, "assigned", { subject: ticket.subject, uuid: ticket.uuid });
  }
  return staffTicket(ctx, uuid);
}

/** Staff answers: the ticket is "answered", taken by the replier if nobody had it, and the customer is told. */
export async function replyAsStaff(ctx: Ctx, uuid: string, message: string): Promise<TicketDetail> {
  const me = requireUser(ctx);
  const ticket = await tenantTicket(ctx, uuid);
  await addMessage(ctx, ticket.id, me.id, true, message, "answered");
  if (ticket.assigned_to === null)
    await ctx.db.updateTable("tickets").set({ assigned_to: me.id }).where("id", "=", ticket.id).where("assigned_to", "is", null).execute();
  await writeAudit(ctx, { action: "ticket.reply", targetType: "ticket", targetId: ticket.uuid, data: { length: message.length } });
  await ticketNotice(ctx, ticket.user_id, "staff_replied", { subject: ticket.subject, uuid: ticket.uuid });
  const customer = await ctx.db
    .selectFrom("users")
    .select(["email", "language", "username", "email_verified_at"])
    .where("id", "=", ticket.user_id)
    .executeTakeFirst();
  if (customer) {
    sendTenantMail(ctx, customer, (p) =>
      ticketReplyEmail({ ...p, username: customer.username, subject: ticket.subject, reply: message, url: `${p.baseUrl}/tickets/${ticket.uuid}` }),
    );
  }
  return staffTicket(ctx, uuid);
}

/** Staff closes a ticket; the customer is told once. */
export async function closeAsStaff(ctx: Ctx, uuid: string): Promise<TicketDetail> {
  const ticket = await tenantTicket(ctx, uuid);
  if (await markClosed(ctx, ticket.id)) {
    await writeAudit(ctx, { action: "ticket.close", targetType: "ticket", targetId: ticket.uuid });
    await ticketNotice(ctx, ticket.user_id, "closed_by_staff", { subject: ticket.subject, uuid: ticket.uuid });
  }
  return staffTicket(ctx, uuid);
}

/** Who may be assigned this tenant's tickets: platform staff (admin and support), or the site's owner. */
export async function staffMembers(ctx: Ctx): Promise<{ id: number; username: string; role: string }[]> {
  if (ctx.tenant.kind === "site") {
    const owner = await ctx.db.selectFrom("users").select(["id", "username", "role"]).where("id", "=", ctx.tenant.site.owner_id).executeTakeFirst();
    return owner ? [owner] : [];
  }
  return onPlatform(ctx.db)
    .selectFrom("users")
    .select(["id", "username", "role"])
    .where("role", "in", STAFF_ROLES)
    .where("deleted_at", "is", null)
    .orderBy("username")
    .limit(200)
    .execute();
}
