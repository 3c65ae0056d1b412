import { catalogue } from "../catalogue.ts";

/** E-mails (src/mail/templates.ts): each is sent in the recipient's language with the other below it. */
export const mailMessages = catalogue(
  {
    "mail.hello": "Bonjour {username},",
    "mail.welcome.title": "Bienvenue sur {brand}",
    "mail.welcome.body": "Votre compte est créé. Rechargez votre solde et passez votre première commande en quelques minutes.",
    "mail.welcome.action": "Se connecter",
    "mail.order.title": "Commande {ref} reçue",
    "mail.order.body": "Nous avons reçu votre commande « {service} » (quantité {quantity}) pour {charge} {currency}.",
    "mail.order.action": "Suivre la commande",
    "mail.ticket_reply.title": "Réponse à votre ticket « {subject} »",
    "mail.ticket_reply.body": "Le support a répondu :",
    "mail.ticket_reply.action": "Voir le ticket",
    "mail.admin.action": "Ouvrir la console",
  },
  {
    "mail.hello": "Hello {username},",
    "mail.welcome.title": "Welcome to {brand}",
    "mail.welcome.body": "Your account is ready. Add funds and place your first order in minutes.",
    "mail.welcome.action": "Log in",
    "mail.order.title": "Order {ref} received",
    "mail.order.body": 'We received your order "{service}" (quantity {quantity}) for {charge} {currency}.',
    "mail.order.action": "Track the order",
    "mail.ticket_reply.title": 'Reply to your ticket "{subject}"',
    "mail.ticket_reply.body": "Support replied:",
    "mail.ticket_reply.action": "View the ticket",
    "mail.admin.action": "Open the console",
  },
);
