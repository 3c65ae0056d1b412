import { catalogue } from "../catalogue.ts";

/** Notices about a user's balance: deposits verified (src/wallet/deposits.ts) and staff adjustments (src/staff/users/balance.ts). */
export const walletMessages = catalogue(
  {
    "deposit.reason": " Motif : {note}",
    "deposit_approved.title": "Dépôt validé",
    "deposit_approved.body": "Votre dépôt de {amount} (réf. {ref}) a été validé et crédité sur votre solde.{note}",
    "deposit_rejected.title": "Dépôt refusé",
    "deposit_rejected.body": "Votre dépôt de {amount} (réf. {ref}) a été refusé.{note}",
    "balance.credit": "Crédit",
    "balance.debit": "Débit",
    "balance_adjusted.title": "Solde ajusté",
    "balance_adjusted.body": "{direction} de {amount} sur votre solde. Motif : {reason}",
  },
  {
    "deposit.reason": " Reason: {note}",
    "deposit_approved.title": "Deposit approved",
    "deposit_approved.body": "Your deposit of {amount} (ref. {ref}) was approved and credited to your balance.{note}",
    "deposit_rejected.title": "Deposit rejected",
    "deposit_rejected.body": "Your deposit of {amount} (ref. {ref}) was rejected.{note}",
    "balance.credit": "Credit",
    "balance.debit": "Debit",
    "balance_adjusted.title": "Balance adjusted",
    "balance_adjusted.body": "{direction} of {amount} to your balance. Reason: {reason}",
  },
);
