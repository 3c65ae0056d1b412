import { catalogue } from "../catalogue.ts";

/** What the FAQ, terms and contact pages say until their tenant writes its own (Markdown, see src/content-pages/markdown.ts). */
export const contentPageMessages = catalogue(
  {
    "content.faq.default":
      "## Comment passer une commande ?\nRechargez votre solde, choisissez un service dans le catalogue, collez le lien de votre publication ou de votre profil et indiquez la quantité.\n\n## Combien de temps prend une commande ?\nLa plupart démarrent en quelques minutes ; le délai de chaque service est indiqué dans sa description. Vous suivez l'avancement depuis **Mes commandes**.\n\n## Comment recharger mon solde ?\nDepuis la page **Recharger** : choisissez un moyen de paiement, envoyez le montant et déclarez la référence de la transaction. Les frais éventuels sont affichés avant de confirmer.\n\n## Et si une commande n'est pas livrée en entier ?\nLa partie non livrée est remboursée automatiquement sur votre solde.\n\n## Comment contacter {brand} ?\nOuvrez un ticket depuis votre compte : nous répondons par notification et par e-mail.",
    "content.terms.default":
      "## Conditions d'utilisation de {brand}\n- Les services sont fournis pour des comptes et publications publics ; un compte privé ou un lien erroné peut empêcher la livraison.\n- Le solde sert uniquement à payer des commandes sur {brand} ; il n'est pas converti en argent.\n- Une commande lancée ne peut être annulée que si le service le permet ; la partie non livrée est remboursée sur le solde.\n- Les comptes utilisés pour la fraude ou l'abus sont suspendus.\n- {brand} peut modifier les prix et les services ; le prix payé est celui affiché au moment de la commande.",
    "content.contact.default":
      "Une question, un souci avec une commande ? Ouvrez un ticket depuis votre compte : c'est le moyen le plus rapide d'obtenir une réponse de {brand}.",
  },
  {
    "content.faq.default":
      "## How do I place an order?\nTop up your balance, pick a service in the catalogue, paste the link to your post or profile and give the quantity.\n\n## How long does an order take?\nMost start within minutes; each service's description gives its timing. You follow progress from **My orders**.\n\n## How do I top up my balance?\nFrom the **Add funds** page: choose a payment method, send the amount and declare the transaction's reference. Any fee is shown before you confirm.\n\n## What if an order is not fully delivered?\nThe part not delivered is refunded to your balance automatically.\n\n## How do I contact {brand}?\nOpen a ticket from your account: we answer by notification and e-mail.",
    "content.terms.default":
      "## {brand} terms of use\n- Services are provided for public accounts and posts; a private account or a wrong link can prevent delivery.\n- The balance only pays for orders on {brand}; it is not converted back into money.\n- A started order can only be cancelled where the service allows it; the part not delivered is refunded to the balance.\n- Accounts used for fraud or abuse are suspended.\n- {brand} may change prices and services; the price paid is the one shown when ordering.",
    "content.contact.default": "A question, a problem with an order? Open a ticket from your account: it is the fastest way to get an answer from {brand}.",
  },
);
