import type { Ctx } from "../context.ts";
import { notify } from "../notifications/notify.ts";

type Lang = "fr" | "en";
type Text = { title: string; body: string };
type Vars = { site: string; amount: string; currency: string; date?: string };

const day = (iso: string | undefined, lang: Lang) =>
  iso ? new Date(iso).toLocaleDateString(lang === "fr" ? "fr-FR" : "en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }) : "";

/** Every white-label notification in French and English; the owner's language picks one. */
const NOTICES: Record<string, (v: Vars, lang: Lang) => Record<Lang, Text>> = {
  purchased: (v, l) => ({
    fr: { title: `Votre site ${v.site} est en ligne`, body: `Paiement de ${v.amount} ${v.currency} reçu. Votre abonnement court jusqu'au ${day(v.date, l)}.` },
    en: { title: `Your site ${v.site} is live`, body: `Payment of ${v.amount} ${v.currency} received. Your subscription runs until ${day(v.date, l)}.` },
  }),
  renewal_reminder: (v, l) => ({
    fr: { title: `Renouvellement de ${v.site} le ${day(v.date, l)}`, body: `Nous prélèverons ${v.amount} ${v.currency} sur votre solde le ${day(v.date, l)}. Vérifiez que votre solde est suffisant pour que votre site reste en ligne.` },
    en: { title: `${v.site} renews on ${day(v.date, l)}`, body: `We will take ${v.amount} ${v.currency} from your balance on ${day(v.date, l)}. Make sure your balance covers it so that your site stays online.` },
  }),
  renewed: (v, l) => ({
    fr: { title: `Abonnement de ${v.site} renouvelé`, body: `${v.amount} ${v.currency} ont été prélevés. Prochaine échéance : ${day(v.date, l)}.` },
    en: { title: `${v.site} subscription renewed`, body: `${v.amount} ${v.currency} was charged. Next renewal: ${day(v.date, l)}.` },
  }),
  renewal_failed: (v, l) => ({
    fr: { title: `Échec du renouvellement de ${v.site}`, body: `Votre solde ne couvre pas les ${v.amount} ${v.currency} du renouvellement. Votre site reste en ligne jusqu'au ${day(v.date, l)} ; rechargez votre solde avant cette date pour éviter la suspension.` },
    en: { title: `Renewal of ${v.site} failed`, body: `Your balance does not cover the ${v.amount} ${v.currency} renewal. Your site stays online until ${day(v.date, l)}; add funds before then to avoid suspension.` },
  }),
  suspended: (v) => ({
    fr: { title: `${v.site} est suspendu`, body: `Le renouvellement de ${v.amount} ${v.currency} n'a pas pu être payé. Rechargez votre solde puis renouvelez l'abonnement pour remettre le site en ligne.` },
    en: { title: `${v.site} is suspended`, body: `The ${v.amount} ${v.currency} renewal could not be paid. Add funds, then renew the subscription to bring the site back online.` },
  }),
};


/** Notifies a site's owner in their own language. */
export async function noticeToOwner(ctx: Ctx, ownerId: number, kind: "purchased" | "renewal_reminder" | "renewed" | "renewal_failed" | "suspended", vars: Vars & { siteUuid: string }): Promise<void> {
  const owner = await ctx.db.selectFrom("users").select("language").where("id", "=", ownerId).executeTakeFirst();
  const lang: Lang = owner?.language === "en" ? "en" : "fr";
  const text = NOTICES[kind]!(vars, lang)[lang];
  await notify(ctx, ownerId, { type: `white_label.${kind}`, title: text.title, body: text.body, data: { site_uuid: vars.siteUuid, amount: vars.amount, currency: vars.currency, date: vars.date ?? null } });
}
