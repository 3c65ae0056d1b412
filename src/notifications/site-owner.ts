import type { Ctx } from "../context.ts";
import { notice } from "../i18n/i18n.ts";
import { LANGS } from "../i18n/lang.ts";
import { moneyParam } from "../i18n/money.ts";
import { HOUR } from "../lib/time.ts";
import { formatMoney } from "../money/money.ts";
import { groupedNotice } from "./grouped.ts";

/** What a site's owner is told about, grouped: new customer orders, deposits awaiting approval, new tickets. */
type OwnerEvent = "orders" | "deposits" | "tickets";

/** A group keeps counting for an hour after it opened (while unread); then the next event opens a new one. */
const WINDOW = HOUR;

/**
 * Tells the owner of the ctx's site about one more event of a kind, counted into one notification
 * per site and kind — "3 new orders on <site> (total X)" — not one per event. Nothing on the
 * platform's own tenant (its staff have their queues). A failure is logged, never the caller's.
 */
export async function tellSiteOwner(ctx: Ctx, kind: OwnerEvent, amount = 0): Promise<void> {
  if (ctx.tenant.kind !== "site") return;
  const site = ctx.tenant.site;
  try {
    await groupedNotice(ctx, {
      userId: site.owner_id,
      key: `site:${site.id}:${kind}`,
      type: `site_owner.${kind}`,
      windowMs: WINDOW,
      amount,
      texts: (count, total) =>
        notice(count === 1 ? `owner.${kind}_one` : `owner.${kind}_many`, {
          site: site.name,
          total: moneyParam(total, site.currency),
          count: Object.fromEntries(LANGS.map((lang) => [lang, count.toLocaleString(lang === "fr" ? "fr-FR" : "en-GB")])) as Record<
            (typeof LANGS)[number],
            string
          >,
        }),
      data: (count, total) => ({ site_uuid: site.uuid, kind, count, total: formatMoney(total), currency: site.currency }),
    });
  } catch (err) {
    ctx.logger.error("site owner notice failed", { site_id: site.id, kind, error: String(err) });
  }
}
