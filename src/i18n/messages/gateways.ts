import { catalogue } from "../catalogue.ts";

/** Notices about automatic deposits through payment gateways (src/payment-gateways/). */
export const gatewayMessages = catalogue(
  {
    "gateway_deposit.title": "Recharge créditée",
    "gateway_deposit.body": "Votre paiement de {amount} via {gateway} a été confirmé : {credited} ont été crédités sur votre solde.",
    "gateway_refunded.title": "Paiement remboursé chez la passerelle",
    "gateway_refunded.body":
      "Le paiement {ref} de {amount} via {gateway}, déjà crédité sur le solde de {user}, a été remboursé chez la passerelle ({detail}). Repris sur le solde : {taken}. Déjà dépensé, à recouvrer : {shortfall}.",
    "gateway_charged_back.title": "Paiement contesté chez la passerelle",
    "gateway_charged_back.body":
      "Le paiement {ref} de {amount} via {gateway}, déjà crédité sur le solde de {user}, a été contesté (rétrofacturation) chez la passerelle ({detail}). Repris sur le solde : {taken}. Déjà dépensé, à recouvrer : {shortfall}.",
    "gateway_reversed.title": "Recharge annulée par la passerelle",
    "gateway_reversed.body":
      "Votre paiement {ref} de {amount} via {gateway} a été remboursé ou contesté chez la passerelle : {taken} ont été repris sur votre solde.",
    "gateway_mismatch.title": "Paiement confirmé dans une autre devise",
    "gateway_mismatch.body":
      "La passerelle {gateway} a confirmé le paiement {ref} de {user} en {currency} au lieu de {expected} : rien n'a été crédité. Vérifiez-le chez la passerelle.",
  },
  {
    "gateway_deposit.title": "Top-up credited",
    "gateway_deposit.body": "Your payment of {amount} through {gateway} was confirmed: {credited} was credited to your balance.",
    "gateway_refunded.title": "Payment refunded at the gateway",
    "gateway_refunded.body":
      "Payment {ref} of {amount} through {gateway}, already credited to {user}'s balance, was refunded at the gateway ({detail}). Taken back from the balance: {taken}. Already spent, to recover: {shortfall}.",
    "gateway_charged_back.title": "Payment charged back at the gateway",
    "gateway_charged_back.body":
      "Payment {ref} of {amount} through {gateway}, already credited to {user}'s balance, was charged back at the gateway ({detail}). Taken back from the balance: {taken}. Already spent, to recover: {shortfall}.",
    "gateway_reversed.title": "Top-up reversed by the gateway",
    "gateway_reversed.body":
      "Your payment {ref} of {amount} through {gateway} was refunded or charged back at the gateway: {taken} was taken back from your balance.",
    "gateway_mismatch.title": "Payment confirmed in another currency",
    "gateway_mismatch.body": "{gateway} confirmed payment {ref} of {user} in {currency} instead of {expected}: nothing was credited. Check it at the gateway.",
  },
);
