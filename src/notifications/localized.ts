import type { Ctx } from "../context.ts";
import { notify } from "./notify.ts";

export type Lang = "fr" | "en";
export interface Text {
  title: string;
  body?: string;
}

/** French is the default; anything else the user chose that we ship is honoured. */
export function langOf(language: string | null | undefined): Lang {
  return language === "en" ? "en" : "fr";
}

/** Writes a notification in the recipient's own language (both texts are always provided). */
export async function notifyLocalized(ctx: Ctx, userId: number, n: { type: string; fr: Text; en: Text; data?: unknown }): Promise<void> {
  const user = await ctx.db.selectFrom("users").select("language").where("id", "=", userId).executeTakeFirst();
  const text = n[langOf(user?.language)];
  await notify(ctx, userId, { type: n.type, title: text.title, body: text.body, data: n.data });
}
