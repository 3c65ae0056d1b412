import { z } from "zod";
import type { Ctx } from "../context.ts";
import { requireUser } from "../context.ts";
import { NotFound } from "../core/errors.ts";
import { writeAudit } from "../audit/audit.ts";
import { dbNow } from "../lib/time.ts";
import { inTenant } from "../tenancy/scoped.ts";

/** A tenant's saved replies: staff insert one into a ticket reply instead of typing it again. */

export const savedReplyBody = z.object({
  title: z.string({ error: "A title is required" }).trim().min(2, "At least 2 characters").max(120, "At most 120 characters"),
  body: z.string({ error: "A text is required" }).trim().min(1, "A text is required").max(5000, "At most 5000 characters"),
});
type SavedReplyInput = z.infer<typeof savedReplyBody>;

interface SavedReply {
  id: number;
  title: string;
  body: string;
  updated_at: string;
}

export async function listSavedReplies(ctx: Ctx): Promise<SavedReply[]> {
  return inTenant(ctx).selectFrom("saved_replies").select(["id", "title", "body", "updated_at"]).orderBy("title").orderBy("id").limit(500).execute();
}

export async function savedReply(ctx: Ctx, id: number): Promise<SavedReply> {
  const row = await inTenant(ctx).selectFrom("saved_replies").select(["id", "title", "body", "updated_at"]).where("id", "=", id).executeTakeFirst();
  if (!row) throw new NotFound("Saved reply not found");
  return row;
}

export async function createSavedReply(ctx: Ctx, input: SavedReplyInput): Promise<SavedReply> {
  const me = requireUser(ctx);
  const now = dbNow(ctx.clock);
  const res = await inTenant(ctx)
    .insertInto("saved_replies", { title: input.title, body: input.body, created_by: me.id, created_at: now, updated_at: now })
    .executeTakeFirstOrThrow();
  const id = Number(res.insertId);
  await writeAudit(ctx, { action: "saved_reply.create", targetType: "saved_reply", targetId: String(id), data: { title: input.title } });
  return savedReply(ctx, id);
}

export async function updateSavedReply(ctx: Ctx, id: number, input: SavedReplyInput): Promise<SavedReply> {
  const before = await savedReply(ctx, id);
  await inTenant(ctx)
    .updateTable("saved_replies")
    .set({ title: input.title, body: input.body, updated_at: dbNow(ctx.clock) })
    .where("id", "=", id)
    .execute();
  await writeAudit(ctx, { action: "saved_reply.update", targetType: "saved_reply", targetId: String(id), data: { from: before.title, to: input.title } });
  return savedReply(ctx, id);
}

export async function deleteSavedReply(ctx: Ctx, id: number): Promise<void> {
  const before = await savedReply(ctx, id);
  await inTenant(ctx).deleteFrom("saved_replies").where("id", "=", id).execute();
  await writeAudit(ctx, { action: "saved_reply.delete", targetType: "saved_reply", targetId: String(id), data: { title: before.title } });
}
