import { catalogue } from "../catalogue.ts";

/** Notices to the platform's admins about a provider: held orders (src/orders/holds.ts), balance and currency (src/providers/balances.ts). */
export const providerMessages = catalogue(
  {
    "provider.cause.funds": "solde insuffisant chez le fournisseur",
    "provider.cause.key": "clé API refusée",
    "provider.cause.rate_limit": "limite d'appels atteinte",
    "provider.cause.maintenance": "fournisseur en maintenance",
    "provider.cause.setup": "adresse du fournisseur à corriger",
    "provider.balance_unreadable": "illisible",
    "provider.hold.title": "Fournisseur {name} : commandes en attente",
    "provider.hold.body":
      "Le fournisseur refuse les commandes ({cause}) : « {message} ». Solde chez le fournisseur : {balance}. Les commandes restent en attente et repartent dès que la cause est levée ; au-delà de {hours} h, elles sont remboursées.",
    "provider.hold_cleared.title": "Fournisseur {name} : commandes reprises",
    "provider.hold_cleared.body": "Le fournisseur accepte de nouveau les commandes ; celles en attente repartent.",
    "provider.low_balance.title": "Solde bas chez {name}",
    "provider.low_balance.body": "Le solde de {name} est de {amount}, sous le seuil de {limit}. Rechargez-le pour que les commandes continuent de partir.",
    "provider.currency_mismatch.title": "Devise à vérifier chez {name}",
    "provider.currency_mismatch.body":
      "{name} annonce son solde en {answered}, mais il est configuré en {configured}. Ses services ne sont plus vendus tant que la devise n'est pas corrigée.",
  },
  {
    "provider.cause.funds": "not enough funds at the provider",
    "provider.cause.key": "API key refused",
    "provider.cause.rate_limit": "rate limit reached",
    "provider.cause.maintenance": "provider under maintenance",
    "provider.cause.setup": "the provider's URL needs fixing",
    "provider.balance_unreadable": "unreadable",
    "provider.hold.title": "Provider {name}: orders on hold",
    "provider.hold.body":
      'The provider refuses orders ({cause}): "{message}". Balance at the provider: {balance}. Orders wait and go out as soon as the cause clears; after {hours} h they are refunded.',
    "provider.hold_cleared.title": "Provider {name}: orders resumed",
    "provider.hold_cleared.body": "The provider accepts orders again; the held ones are going out.",
    "provider.low_balance.title": "Low balance at {name}",
    "provider.low_balance.body": "{name}'s balance is {amount}, below the threshold of {limit}. Top it up so that orders keep going through.",
    "provider.currency_mismatch.title": "Check {name}'s currency",
    "provider.currency_mismatch.body":
      "{name} reports its balance in {answered}, but it is set to {configured}. Its services are not sold until the currency is corrected.",
  },
);
