export type Lang = "fr" | "en";
export interface Rendered {
  subject: string;
  text: string;
  html: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** Every e-mail exists in French and English; the recipient's language picks one, the other follows below it. */
function layout(brand: string, lang: Lang, title: string, paragraphs: string[], other: { title: string; paragraphs: string[] }, action?: { label: string; url: string }): string {
  const ps = (list: string[], style = "line-height:1.5") => list.map((p) => `<p style="${style}">${esc(p)}</p>`).join("\n");
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${esc(title)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#0f172a;background:#f8fafc;margin:0;padding:24px">
<div style="max-width:560px;margin:auto;background:#fff;border-radius:8px;padding:24px">
<p style="font-weight:bold;color:#4f46e5">${esc(brand)}</p>
<h1 style="font-size:20px">${esc(title)}</h1>
${ps(paragraphs)}
${action ? `<p><a href="${esc(action.url)}" style="background:#4f46e5;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${esc(action.label)}</a></p>` : ""}
<hr style="border:0;border-top:1px solid #e2e8f0;margin:24px 0">
<div lang="${lang === "fr" ? "en" : "fr"}" style="color:#475569;font-size:14px">
<p><strong>${esc(other.title)}</strong></p>
${ps(other.paragraphs, "")}
</div>
</div></body></html>`;
}

function bilingual(brand: string, lang: Lang, fr: { title: string; paragraphs: string[]; action?: string }, en: { title: string; paragraphs: string[]; action?: string }, url?: string): Rendered {
  const main = lang === "en" ? en : fr;
  const other = lang === "en" ? fr : en;
  const action = url && main.action ? { label: main.action, url } : undefined;
  const text = [main.title, "", ...main.paragraphs, ...(action ? ["", `${action.label}: ${action.url}`] : []), "", "—", other.title, "", ...other.paragraphs].join("\n");
  return { subject: main.title.includes(brand) ? main.title : `${main.title} - ${brand}`, text, html: layout(brand, lang, main.title, main.paragraphs, other, action) };
}

export function welcomeEmail(p: { brand: string; lang: Lang; username: string; loginUrl: string }): Rendered {
  return bilingual(
    p.brand,
    p.lang,
    { title: `Bienvenue sur ${p.brand}`, paragraphs: [`Bonjour ${p.username},`, "Votre compte est créé. Rechargez votre solde et passez votre première commande en quelques minutes."], action: "Se connecter" },
    { title: `Welcome to ${p.brand}`, paragraphs: [`Hello ${p.username},`, "Your account is ready. Add funds and place your first order in minutes."], action: "Log in" },
    p.loginUrl,
  );
}

export function orderConfirmationEmail(p: { brand: string; lang: Lang; username: string; orderId: string; service: string; quantity: number; charge: string; currency: string; url: string }): Rendered {
  return bilingual(
    p.brand,
    p.lang,
    { title: `Commande ${p.orderId.slice(0, 8)} reçue`, paragraphs: [`Bonjour ${p.username},`, `Nous avons reçu votre commande « ${p.service} » (quantité ${p.quantity}) pour ${p.charge} ${p.currency}.`], action: "Suivre la commande" },
    { title: `Order ${p.orderId.slice(0, 8)} received`, paragraphs: [`Hello ${p.username},`, `We received your order "${p.service}" (quantity ${p.quantity}) for ${p.charge} ${p.currency}.`], action: "Track the order" },
    p.url,
  );
}

export function ticketReplyEmail(p: { brand: string; lang: Lang; username: string; subject: string; reply: string; url: string }): Rendered {
  return bilingual(
    p.brand,
    p.lang,
    { title: `Réponse à votre ticket « ${p.subject} »`, paragraphs: [`Bonjour ${p.username},`, "Le support a répondu :", p.reply], action: "Voir le ticket" },
    { title: `Reply to your ticket "${p.subject}"`, paragraphs: [`Hello ${p.username},`, "Support replied:", p.reply], action: "View the ticket" },
    p.url,
  );
}

/** A notice to the platform's admins about something they must act on (a provider's balance or currency…). */
export function adminNoticeEmail(p: { brand: string; lang: Lang; fr: { title: string; body: string }; en: { title: string; body: string }; url: string }): Rendered {
  return bilingual(p.brand, p.lang, { title: p.fr.title, paragraphs: [p.fr.body], action: "Ouvrir la console" }, { title: p.en.title, paragraphs: [p.en.body], action: "Open the console" }, p.url);
}
