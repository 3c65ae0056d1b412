import { catalogue } from "../catalogue.ts";

/** Notices about referral abuse (src/referrals/flags.ts). */
export const referralMessages = catalogue(
  {
    "referral.reason.registration_address": "inscription",
    "referral.reason.login_address": "connexion",
    "referral.flagged.title": "Parrainage à vérifier : {username}",
    "referral.flagged.body":
      "Le compte {username}, parrainé par {referrer}, utilise la même adresse IP que son parrain ({ip}, vue à la {reason}). Ses commissions attendent votre accord avant d'être versées.",
  },
  {
    "referral.reason.registration_address": "registration",
    "referral.reason.login_address": "sign-in",
    "referral.flagged.title": "Referral to check: {username}",
    "referral.flagged.body":
      "The account {username}, referred by {referrer}, uses the same IP address as its referrer ({ip}, seen at {reason}). Its commissions wait for your approval before they are paid.",
  },
);
