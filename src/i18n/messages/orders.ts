import { catalogue } from "../catalogue.ts";

/** Notices about orders: to their owner (src/orders/notices.ts) and to a reseller whose wallet ran dry (src/order-chain). */
export const orderMessages = catalogue(
  {
    "order.refund_back": " {money} ont été recrédités sur votre solde.",
    "order.completed.title": "Commande terminée",
    "order.completed.body": "Votre commande {ref} est terminée.",
    "order.partial.title": "Commande livrée en partie",
    "order.partial.body": "Votre commande {ref} a été livrée en partie ({remains} non livrés).{back}",
    "order.canceled.title": "Commande annulée",
    "order.canceled.body": "Votre commande {ref} a été annulée.{back}",
    "order.refunded.title": "Commande remboursée",
    "order.refunded.body": "Votre commande {ref} a été remboursée.{back}",
    "order.failed.title": "Commande non transmise",
    "order.failed.body": "Votre commande {ref} n'a pas pu être transmise au fournisseur.{back}",
    "chain.reseller_short.title": "Commande refusée sur {site} : solde insuffisant",
    "chain.reseller_short.body":
      "Un client de votre site « {site} » n'a pas pu commander « {service} » : votre solde ne couvre pas son coût ({cost}). Le client a seulement vu que le service était momentanément indisponible. Rechargez votre portefeuille pour que vos clients puissent commander.",
  },
  {
    "order.refund_back": " {money} was credited back to your balance.",
    "order.completed.title": "Order completed",
    "order.completed.body": "Your order {ref} is complete.",
    "order.partial.title": "Order partially delivered",
    "order.partial.body": "Your order {ref} was partially delivered ({remains} not delivered).{back}",
    "order.canceled.title": "Order canceled",
    "order.canceled.body": "Your order {ref} was canceled.{back}",
    "order.refunded.title": "Order refunded",
    "order.refunded.body": "Your order {ref} was refunded.{back}",
    "order.failed.title": "Order could not be placed",
    "order.failed.body": "Your order {ref} could not be placed with the provider.{back}",
    "chain.reseller_short.title": "Order refused on {site}: insufficient balance",
    "chain.reseller_short.body":
      'A customer of your site "{site}" could not order "{service}": your balance does not cover its cost ({cost}). The customer was only told the service is temporarily unavailable. Top up your wallet so that your customers can order.',
  },
);
