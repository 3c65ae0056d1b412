import type { Ctx } from "../context.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { langOf, type Lang } from "../i18n/lang.ts";
import { dbNow } from "../lib/time.ts";

type Texts = Record<Lang, { title: string; body: string }>;

/** One grouped notice: who, which group, this event's amount, and the texts of the group's running count and total. */
interface GroupedNotice {
  userId: number;
  /** The group, e.g. `site:12:orders`: one open notification at a time holds it. */
  key: string;
  type: string;
  /** How long a group keeps counting after it opened (ms). */
  windowMs: number;
  /** This event's amount (micro-units), added to the group's total. */
  amount: number;
  texts: (count: number, total: number) => Texts;
  data: (count: number, total: number) => Record<string, unknown>;
}

/**
 * Counts an event into the recipient's open notification of its group — "3 new orders (total X)" —
 * or opens one. The group stays open while it is unread and younger than the window; then the next
 * event opens a new one. Exactly once under concurrency: the count is bumped by one conditional
 * UPDATE, and a new group is an INSERT that the unique `group_key` lets only one writer make (the
 * loser counts itself into the winner's).
 */
export async function groupedNotice(ctx: Ctx, n: GroupedNotice): Promise<void> {
  const user = await ctx.db.selectFrom("users").select("language").where("id", "=", n.userId).executeTakeFirst();
  if (!user) return;
  const lang = langOf(user.language);
  for (let attempt = 0; attempt < 5; attempt++) {
    const now = dbNow(ctx.clock);
    const since = dbNow(ctx.clock, -n.windowMs);
    const bumped = await ctx.db
      .updateTable("notifications")
      .set((eb) => ({ group_count: eb("group_count", "+", 1), group_total: eb("group_total", "+", n.amount), updated_at: now }))
      .where("group_key", "=", n.key)
      .where("user_id", "=", n.userId)
      .where("read_at", "is", null)
      .where("created_at", ">", since)
      .executeTakeFirst();
    if (Number(bumped.numUpdatedRows) > 0) return retitle(ctx, n, lang);
    // The group's notification was read or is too old: it keeps its texts and stops counting.
    await ctx.db
      .updateTable("notifications")
      .set({ group_key: null })
      .where("group_key", "=", n.key)
      .where((eb) => eb.or([eb("read_at", "is not", null), eb("created_at", "<=", since)]))
      .execute();
    const text = n.texts(1, n.amount)[lang];
    try {
      await ctx.db
        .insertInto("notifications")
        .values({
          user_id: n.userId,
          type: n.type,
          title: text.title.slice(0, 200),
          body: text.body,
          data: JSON.stringify(n.data(1, n.amount)),
          group_key: n.key,
          group_count: 1,
          group_total: n.amount,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return;
    } catch (err) {
      // Another event opened the group a moment ago: count into it.
      if (!isUniqueViolation(err)) throw err;
    }
  }
  throw new Error(`grouped notice ${n.key}: the group kept changing`);
}

/**
 * The texts follow the count. Two events may bump it before either writes its texts: each writes only
 * while the count is still the one it read, so the last word is the latest count's.
 */
async function retitle(ctx: Ctx, n: GroupedNotice, lang: Lang): Promise<void> {
  const row = await ctx.db
    .selectFrom("notifications")
    .select(["id", "group_count", "group_total"])
    .where("group_key", "=", n.key)
    .where("user_id", "=", n.userId)
    .executeTakeFirst();
  if (!row) return;
  const count = Number(row.group_count);
  const total = Number(row.group_total);
  const text = n.texts(count, total)[lang];
  await ctx.db
    .updateTable("notifications")
    .set({ title: text.title.slice(0, 200), body: text.body, data: JSON.stringify(n.data(count, total)) })
    .where("id", "=", row.id)
    .where("group_count", "=", count)
    .execute();
}
