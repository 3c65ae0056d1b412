import type { Ctx } from "../context.ts";
import { dbNow } from "../lib/time.ts";

/** Writes an in-app notification for a user. Titles and bodies are stored in the user's language by the caller. */
export async function notify(ctx: Ctx, userId: number, n: { type: string; title: string; body?: string; data?: unknown }): Promise<void> {
  const now = dbNow(ctx.clock);
  await ctx.db
    .insertInto("notifications")
    .values({
      user_id: userId,
      type: n.type,
      title: n.title.slice(0, 200),
      body: n.body ?? null,
      data: n.data === undefined ? null : JSON.stringify(n.data),
      created_at: now,
      updated_at: now,
    })
    .execute();
}
