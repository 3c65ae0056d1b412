import type { Ctx } from "../context.ts";
import { notify } from "./notify.ts";
import { langOf } from "../i18n/lang.ts";

interface Text {
  title: string;
  body?: string;
}

/** Writes a notification in the recipient's own language (both texts always provided, by `notice()` of src/i18n). */
export async function notifyLocalized(ctx: Ctx, userId: number, n: { type: string; fr: Text; en: Text; data?: unknown }): Promise<void> {
  const user = await ctx.db.selectFrom("users").select("language").where("id", "=", userId).executeTakeFirst();
  const text = n[langOf(user?.language)];
  await notify(ctx, userId, { type: n.type, title: text.title, body: text.body, data: n.data });
}
