import type { Ctx } from "../context.ts";
import { requireUser } from "../context.ts";
import { NotFound } from "../core/errors.ts";
import { offsetOf, pageOf, type Page } from "../core/pagination.ts";
import { dbNow } from "../lib/time.ts";
import type { NotificationsQuery } from "./schema.ts";
import type { Notification } from "./view.ts";

// Notifications belong to a user, and users to one tenant: scoping by the caller's id scopes by tenant too.

export async function listNotifications(ctx: Ctx, q: NotificationsQuery): Promise<Page<Notification>> {
  const user = requireUser(ctx);
  let base = ctx.db.selectFrom("notifications").where("user_id", "=", user.id);
  if (q.unread) base = base.where("read_at", "is", null);
  const count = await base.select((e) => e.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const rows = await base.selectAll().orderBy("created_at", "desc").orderBy("id", "desc").limit(q.per_page).offset(offsetOf(q)).execute();
  return pageOf(rows, count.n, q);
}

export async function unreadCount(ctx: Ctx): Promise<number> {
  const user = requireUser(ctx);
  const r = await ctx.db
    .selectFrom("notifications")
    .select((e) => e.fn.countAll<number>().as("n"))
    .where("user_id", "=", user.id)
    .where("read_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function ownNotification(ctx: Ctx, id: number): Promise<Notification> {
  const user = requireUser(ctx);
  const n = await ctx.db.selectFrom("notifications").selectAll().where("id", "=", id).where("user_id", "=", user.id).executeTakeFirst();
  if (!n) throw new NotFound("Notification not found");
  return n;
}

/** Marks one of the caller's notifications read (reading it twice keeps the first time). */
export async function markRead(ctx: Ctx, id: number): Promise<Notification> {
  const n = await ownNotification(ctx, id);
  if (n.read_at) return n;
  const now = dbNow(ctx.clock);
  await ctx.db.updateTable("notifications").set({ read_at: now, updated_at: now }).where("id", "=", n.id).where("read_at", "is", null).execute();
  return ownNotification(ctx, id);
}

export async function markAllRead(ctx: Ctx): Promise<number> {
  const user = requireUser(ctx);
  const now = dbNow(ctx.clock);
  const r = await ctx.db
    .updateTable("notifications")
    .set({ read_at: now, updated_at: now })
    .where("user_id", "=", user.id)
    .where("read_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function deleteNotification(ctx: Ctx, id: number): Promise<void> {
  const user = requireUser(ctx);
  const r = await ctx.db.deleteFrom("notifications").where("id", "=", id).where("user_id", "=", user.id).executeTakeFirst();
  if (Number(r.numDeletedRows) !== 1) throw new NotFound("Notification not found");
}
