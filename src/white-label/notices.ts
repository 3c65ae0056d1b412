import type { Ctx } from "../context.ts";
import { notifyLocalized } from "../notifications/localized.ts";
import { notice } from "../i18n/i18n.ts";
import type { Lang } from "../i18n/lang.ts";
import { moneyParam } from "../i18n/money.ts";
import { formatMoney } from "../money/money.ts";

/** `amount` in micro-units of `currency`: formatted by Intl for each language. */
type Vars = { site: string; amount: number; currency: string; date?: string };

const day = (iso: string | undefined, lang: Lang) =>
  iso ? new Date(iso).toLocaleDateString(lang === "fr" ? "fr-FR" : "en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }) : "";

/** Notifies a site's owner in their own language. */
export async function noticeToOwner(
  ctx: Ctx,
  ownerId: number,
  kind: "purchased" | "renewal_reminder" | "renewed" | "renewal_failed" | "suspended" | "plan_changed" | "expired" | "deleted",
  vars: Vars & { siteUuid: string },
): Promise<void> {
  const texts = notice(`white_label.${kind}`, {
    site: vars.site,
    amount: moneyParam(vars.amount, vars.currency),
    date: { fr: day(vars.date, "fr"), en: day(vars.date, "en") },
  });
  await notifyLocalized(ctx, ownerId, {
    type: `white_label.${kind}`,
    ...texts,
    data: { site_uuid: vars.siteUuid, amount: formatMoney(vars.amount), currency: vars.currency, date: vars.date ?? null },
  });
}
