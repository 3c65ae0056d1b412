import type { Ctx } from "../context.ts";
import type { Site } from "../db/schema.ts";
import { dbNow, HOUR } from "../lib/time.ts";
import { formatMoney } from "../money/money.ts";
import { notifyLocalized } from "../notifications/localized.ts";
import { notice } from "../i18n/i18n.ts";
import { moneyParam } from "../i18n/money.ts";

const RESELLER_SHORT_NOTICE = "site_order_refused";

/**
 * Tells a reseller, in their language, that a customer of their site could not order because the
 * reseller's own wallet cannot pay the platform. At most once an hour per site: a busy site whose
 * owner ran dry would otherwise bury them in identical notices.
 */
export async function notifyResellerShort(ctx: Ctx, site: Site, what: { serviceName: string; cost: number; currency: string }): Promise<void> {
  const marker = `"site_uuid":"${site.uuid}"`;
  const recent = await ctx.db
    .selectFrom("notifications")
    .select("id")
    .where("user_id", "=", site.owner_id)
    .where("type", "=", RESELLER_SHORT_NOTICE)
    .where("created_at", ">", dbNow(ctx.clock, -HOUR))
    .where("data", "like", `%${marker}%`)
    .executeTakeFirst();
  if (recent) return;
  const cost = moneyParam(what.cost, what.currency);
  await notifyLocalized(ctx, site.owner_id, {
    type: RESELLER_SHORT_NOTICE,
    data: { site_uuid: site.uuid, cost: formatMoney(what.cost) },
    ...notice("chain.reseller_short", { site: site.name, service: what.serviceName, cost }),
  });
}
