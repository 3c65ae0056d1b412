import type { Ctx } from "../context.ts";
import { dbNow } from "../lib/time.ts";

type Notice = { type: string; title: string; body?: string; data?: unknown };

/** Writes an in-app notification for a user. Titles and bodies are stored in the user's language by the caller. */
export async function notify(ctx: Ctx, userId: number, n: Notice): Promise<void> {
  await notifyEach(ctx, [{ userId, ...n }]);
}

/** Writes several in-app notifications in one multi-row INSERT. */
export async function notifyEach(ctx: Ctx, notices: readonly (Notice & { userId: number })[]): Promise<void> {
  if (notices.length === 0) return;
  const now = dbNow(ctx.clock);
  await ctx.db
    .insertInto("notifications")
    .values(
      notices.map((n) => ({
        user_id: n.userId,
        type: n.type,
        title: n.title.slice(0, 200),
        body: n.body ?? null,
        data: n.data === undefined ? null : JSON.stringify(n.data),
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
}
