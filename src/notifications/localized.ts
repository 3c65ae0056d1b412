import type { Ctx } from "../context.ts";
import { notify, notifyEach } from "./notify.ts";
import { langOf } from "../i18n/lang.ts";

interface Text {
  title: string;
  body?: string;
}

type LocalizedNotice = { type: string; fr: Text; en: Text; data?: unknown };

/** Writes a notification in the recipient's own language (both texts always provided, by `notice()` of src/i18n). */
export async function notifyLocalized(ctx: Ctx, userId: number, n: LocalizedNotice): Promise<void> {
  const user = await ctx.db.selectFrom("users").select("language").where("id", "=", userId).executeTakeFirst();
  const text = n[langOf(user?.language)];
  await notify(ctx, userId, { type: n.type, title: text.title, body: text.body, data: n.data });
}

/** notifyLocalized for several notifications: the recipients' languages read in one query, the rows written in one INSERT. */
export async function notifyEachLocalized(ctx: Ctx, notices: readonly (LocalizedNotice & { userId: number })[]): Promise<void> {
  if (notices.length === 0) return;
  const users = await ctx.db
    .selectFrom("users")
    .select(["id", "language"])
    .where("id", "in", [...new Set(notices.map((n) => n.userId))])
    .execute();
  const language = new Map(users.map((u) => [u.id, u.language]));
  await notifyEach(
    ctx,
    notices.map((n) => {
      const text = n[langOf(language.get(n.userId))];
      return { userId: n.userId, type: n.type, title: text.title, body: text.body, data: n.data };
    }),
  );
}
