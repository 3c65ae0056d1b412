import { catalogue } from "../catalogue.ts";

/** A site owner's grouped notices (src/notifications/site-owner.ts): one notification per kind that counts up. */
export const ownerNoticeMessages = catalogue(
  {
    "owner.orders_one.title": "Nouvelle commande sur {site}",
    "owner.orders_one.body": "Un client a commandé pour {total}. Retrouvez-la dans les commandes de votre site.",
    "owner.orders_many.title": "{count} nouvelles commandes sur {site}",
    "owner.orders_many.body": "Vos clients ont commandé pour {total} au total. Retrouvez-les dans les commandes de votre site.",
    "owner.deposits_one.title": "Une recharge attend votre validation sur {site}",
    "owner.deposits_one.body": "Un client déclare avoir envoyé {total}. Vérifiez le paiement, puis validez ou refusez la recharge sur la page du site.",
    "owner.deposits_many.title": "{count} recharges attendent votre validation sur {site}",
    "owner.deposits_many.body":
      "Vos clients déclarent avoir envoyé {total} au total. Vérifiez les paiements, puis validez ou refusez chaque recharge sur la page du site.",
    "owner.tickets_one.title": "Nouveau ticket sur {site}",
    "owner.tickets_one.body": "Un client vous a écrit. Répondez-lui depuis la boîte de support de votre site.",
    "owner.tickets_many.title": "{count} nouveaux tickets sur {site}",
    "owner.tickets_many.body": "Des clients vous ont écrit. Répondez-leur depuis la boîte de support de votre site.",
  },
  {
    "owner.orders_one.title": "New order on {site}",
    "owner.orders_one.body": "A customer ordered for {total}. Find it in your site's orders.",
    "owner.orders_many.title": "{count} new orders on {site}",
    "owner.orders_many.body": "Your customers ordered for {total} in all. Find them in your site's orders.",
    "owner.deposits_one.title": "A deposit awaits your approval on {site}",
    "owner.deposits_one.body": "A customer says they sent {total}. Check the payment, then approve or reject the deposit on the site's page.",
    "owner.deposits_many.title": "{count} deposits await your approval on {site}",
    "owner.deposits_many.body": "Your customers say they sent {total} in all. Check the payments, then approve or reject each deposit on the site's page.",
    "owner.tickets_one.title": "New ticket on {site}",
    "owner.tickets_one.body": "A customer wrote to you. Answer from your site's support inbox.",
    "owner.tickets_many.title": "{count} new tickets on {site}",
    "owner.tickets_many.body": "Customers wrote to you. Answer from your site's support inbox.",
  },
);
