import type { Ctx } from "../context.ts";
import { getSetting } from "../settings/service.ts";
import { planView, templateView } from "./view.ts";

/** Plans a user can buy now, prices in the platform currency. */
export async function listActivePlans(ctx: Ctx) {
  const currency = await getSetting(ctx, "currency");
  const rows = await ctx.db.selectFrom("white_label_plans").selectAll().where("is_active", "=", 1).orderBy("sort_order").orderBy("id").execute();
  return rows.map((p) => planView(p, currency));
}

/** Templates (themes) a site can use. */
export async function listActiveTemplates(ctx: Ctx) {
  const rows = await ctx.db.selectFrom("white_label_templates").selectAll().where("is_active", "=", 1).orderBy("sort_order").orderBy("id").execute();
  return rows.map((t) => templateView(t));
}
