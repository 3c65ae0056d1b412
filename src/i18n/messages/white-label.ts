import { catalogue } from "../catalogue.ts";

/** Notices to a site's owner about its subscription (src/white-label/notices.ts). */
export const whiteLabelMessages = catalogue(
  {
    "white_label.purchased.title": "Votre site {site} est en ligne",
    "white_label.purchased.body":
      "Paiement de {amount} reçu. Votre abonnement court jusqu'au {date}. Vos clients ne pourront recharger qu'après l'activation d'un moyen de paiement avec votre numéro : ouvrez Moyens de paiement sur la page du site.",
    "white_label.renewal_reminder.title": "Renouvellement de {site} le {date}",
    "white_label.renewal_reminder.body":
      "Nous prélèverons {amount} sur votre solde le {date}. Vérifiez que votre solde est suffisant pour que votre site reste en ligne.",
    "white_label.renewed.title": "Abonnement de {site} renouvelé",
    "white_label.renewed.body": "{amount} ont été prélevés. Prochaine échéance : {date}.",
    "white_label.renewal_failed.title": "Échec du renouvellement de {site}",
    "white_label.renewal_failed.body":
      "Votre solde ne couvre pas les {amount} du renouvellement. Votre site reste en ligne jusqu'au {date} ; rechargez votre solde avant cette date pour éviter la suspension.",
    "white_label.suspended.title": "{site} est suspendu",
    "white_label.suspended.body":
      "Le renouvellement de {amount} n'a pas pu être payé. Rechargez votre solde puis renouvelez l'abonnement pour remettre le site en ligne.",
    "white_label.plan_changed.title": "{site} a changé de formule",
    "white_label.plan_changed.body": "{amount} ont été prélevés pour le reste de la période, jusqu'au {date}.",
    "white_label.expired.title": "{site} est arrêté",
    "white_label.expired.body": "Vous aviez résilié l'abonnement : il a pris fin le {date} sans prélèvement. Le site ne sert plus vos clients.",
    "white_label.deleted.title": "{site} est supprimé",
    "white_label.deleted.body": "Le site est désactivé, son domaine libéré et les données de ses clients anonymisées. Son historique comptable est conservé.",
  },
  {
    "white_label.purchased.title": "Your site {site} is live",
    "white_label.purchased.body":
      "Payment of {amount} received. Your subscription runs until {date}. Your customers can top up only once you enable a payment method with your number: open Payment methods on the site's page.",
    "white_label.renewal_reminder.title": "{site} renews on {date}",
    "white_label.renewal_reminder.body": "We will take {amount} from your balance on {date}. Make sure your balance covers it so that your site stays online.",
    "white_label.renewed.title": "{site} subscription renewed",
    "white_label.renewed.body": "{amount} was charged. Next renewal: {date}.",
    "white_label.renewal_failed.title": "Renewal of {site} failed",
    "white_label.renewal_failed.body":
      "Your balance does not cover the {amount} renewal. Your site stays online until {date}; add funds before then to avoid suspension.",
    "white_label.suspended.title": "{site} is suspended",
    "white_label.suspended.body": "The {amount} renewal could not be paid. Add funds, then renew the subscription to bring the site back online.",
    "white_label.plan_changed.title": "{site} changed plan",
    "white_label.plan_changed.body": "{amount} was charged for the rest of the period, until {date}.",
    "white_label.expired.title": "{site} has stopped",
    "white_label.expired.body": "You canceled the subscription: it ended on {date} without a charge. The site no longer serves your customers.",
    "white_label.deleted.title": "{site} is deleted",
    "white_label.deleted.body": "The site is disabled, its domain released and its customers' personal data anonymised. Its accounting history is kept.",
  },
);
