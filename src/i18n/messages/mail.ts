import { catalogue } from "../catalogue.ts";

/** E-mails (src/mail/templates.ts): each is sent in the recipient's language with the other below it. */
export const mailMessages = catalogue(
  {
    "mail.hello": "Bonjour {username},",
    "mail.welcome.title": "Bienvenue sur {brand}",
    "mail.welcome.body": "Votre compte est créé. Rechargez votre solde et passez votre première commande en quelques minutes.",
    "mail.welcome.action": "Se connecter",
    "mail.order.title": "Commande {ref} reçue",
    "mail.order.body": "Nous avons reçu votre commande « {service} » (quantité {quantity}) pour {charge}.",
    "mail.order.action": "Suivre la commande",
    "mail.ticket_reply.title": "Réponse à votre ticket « {subject} »",
    "mail.ticket_reply.body": "Le support a répondu :",
    "mail.ticket_reply.action": "Voir le ticket",
    "mail.admin.action": "Ouvrir la console",
    "mail.password_reset.title": "Réinitialiser votre mot de passe {brand}",
    "mail.password_reset.body":
      "Quelqu'un a demandé à changer le mot de passe de votre compte. Le lien ci-dessous est valable une heure et ne sert qu'une fois.",
    "mail.password_reset.ignore": "Si vous n'êtes pas à l'origine de cette demande, ignorez cet e-mail : votre mot de passe reste le même.",
    "mail.password_reset.action": "Choisir un nouveau mot de passe",
  },
  {
    "mail.hello": "Hello {username},",
    "mail.welcome.title": "Welcome to {brand}",
    "mail.welcome.body": "Your account is ready. Add funds and place your first order in minutes.",
    "mail.welcome.action": "Log in",
    "mail.order.title": "Order {ref} received",
    "mail.order.body": 'We received your order "{service}" (quantity {quantity}) for {charge}.',
    "mail.order.action": "Track the order",
    "mail.ticket_reply.title": 'Reply to your ticket "{subject}"',
    "mail.ticket_reply.body": "Support replied:",
    "mail.ticket_reply.action": "View the ticket",
    "mail.admin.action": "Open the console",
    "mail.password_reset.title": "Reset your {brand} password",
    "mail.password_reset.body": "Someone asked to change your account's password. The link below works once, for one hour.",
    "mail.password_reset.ignore": "If you did not ask for it, ignore this e-mail: your password stays the same.",
    "mail.password_reset.action": "Choose a new password",
  },
);
