import { catalogue } from "../catalogue.ts";

/** Notices about support tickets (src/tickets/notices.ts). */
export const supportMessages = catalogue(
  {
    "ticket.the_customer": "Le client",
    "ticket.staff_replied.title": "Réponse du support : {subject}",
    "ticket.staff_replied.body": "Le support a répondu à votre ticket « {subject} ». Consultez-le pour la suite.",
    "ticket.closed_by_staff.title": "Ticket fermé : {subject}",
    "ticket.closed_by_staff.body": "Votre ticket « {subject} » a été fermé. Répondez-y si le problème persiste.",
    "ticket.assigned.title": "Ticket assigné : {subject}",
    "ticket.assigned.body": "Le ticket « {subject} » vous a été assigné.",
    "ticket.customer_replied.title": "Nouvelle réponse : {subject}",
    "ticket.customer_replied.body": "{who} a répondu au ticket « {subject} ».",
  },
  {
    "ticket.the_customer": "The customer",
    "ticket.staff_replied.title": "Support replied: {subject}",
    "ticket.staff_replied.body": 'Support replied to your ticket "{subject}". Open it to read the answer.',
    "ticket.closed_by_staff.title": "Ticket closed: {subject}",
    "ticket.closed_by_staff.body": 'Your ticket "{subject}" was closed. Reply to it if the problem persists.',
    "ticket.assigned.title": "Ticket assigned: {subject}",
    "ticket.assigned.body": 'The ticket "{subject}" was assigned to you.',
    "ticket.customer_replied.title": "New reply: {subject}",
    "ticket.customer_replied.body": '{who} replied to the ticket "{subject}".',
  },
);
