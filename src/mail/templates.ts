import { both, type MessageKey } from "../i18n/i18n.ts";
import type { Params } from "../i18n/catalogue.ts";
import type { Lang } from "../i18n/lang.ts";

export interface Rendered {
  subject: string;
  text: string;
  html: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** Every e-mail exists in French and English; the recipient's language picks one, the other follows below it. */
function layout(
  brand: string,
  lang: Lang,
  title: string,
  paragraphs: string[],
  other: { title: string; paragraphs: string[] },
  action?: { label: string; url: string },
): string {
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

/** One language's side of an e-mail: its title, paragraphs and the label of its button. */
type Side = { title: string; paragraphs: string[]; action?: string };

function bilingual(brand: string, lang: Lang, fr: Side, en: Side, url?: string): Rendered {
  const main = lang === "en" ? en : fr;
  const other = lang === "en" ? fr : en;
  const action = url && main.action ? { label: main.action, url } : undefined;
  const text = [
    main.title,
    "",
    ...main.paragraphs,
    ...(action ? ["", `${action.label}: ${action.url}`] : []),
    "",
    "—",
    other.title,
    "",
    ...other.paragraphs,
  ].join("\n");
  return {
    subject: main.title.includes(brand) ? main.title : `${main.title} - ${brand}`,
    text,
    html: layout(brand, lang, main.title, main.paragraphs, other, action),
  };
}

/** An e-mail from the catalogue: `<mail>.title`, a greeting, `<mail>.body`, then extra paragraphs and `<mail>.action`. */
function fromCatalogue(
  p: { brand: string; lang: Lang; username: string },
  mail: "welcome" | "order" | "ticket_reply" | "two_factor_off",
  params: Params,
  url: string,
  extra: string[] = [],
): Rendered {
  const key = (part: string) => `mail.${mail}.${part}` as MessageKey;
  const all = { brand: p.brand, username: p.username, ...params };
  const [title, hello, body, action] = [both(key("title"), all), both("mail.hello", all), both(key("body"), all), both(key("action"), all)];
  const side = (l: Lang): Side => ({ title: title[l], paragraphs: [hello[l], body[l], ...extra], action: action[l] });
  return bilingual(p.brand, p.lang, side("fr"), side("en"), url);
}

export function welcomeEmail(p: { brand: string; lang: Lang; username: string; loginUrl: string }): Rendered {
  return fromCatalogue(p, "welcome", {}, p.loginUrl);
}

export function passwordResetEmail(p: { brand: string; lang: Lang; username: string; resetUrl: string }): Rendered {
  const all = { brand: p.brand, username: p.username };
  const [title, hello, body, ignore, action] = (["title", "hello", "body", "ignore", "action"] as const).map((part) =>
    both(part === "hello" ? "mail.hello" : (`mail.password_reset.${part}` as MessageKey), all),
  ) as [Record<Lang, string>, Record<Lang, string>, Record<Lang, string>, Record<Lang, string>, Record<Lang, string>];
  const side = (l: Lang): Side => ({ title: title[l], paragraphs: [hello[l], body[l], ignore[l]], action: action[l] });
  return bilingual(p.brand, p.lang, side("fr"), side("en"), p.resetUrl);
}

/** The notice that two-step verification was turned off, with a way back to the settings. */
export function twoFactorDisabledEmail(p: { brand: string; lang: Lang; username: string; settingsUrl: string }): Rendered {
  return fromCatalogue(p, "two_factor_off", {}, p.settingsUrl);
}

/** The e-mails about an account's address: a link that proves one, or a notice to the old one (`email` is the new address). */
type AddressMail = "email_verify" | "email_change" | "email_change_requested" | "email_changed";

export function addressEmail(p: { brand: string; lang: Lang; username: string; email?: string; url: string }, mail: AddressMail): Rendered {
  const all = { brand: p.brand, username: p.username, email: p.email ?? "" };
  const key = (part: string) => `mail.${mail}.${part}` as MessageKey;
  const [title, hello, body, note, action] = [
    both(key("title"), all),
    both("mail.hello", all),
    both(key("body"), all),
    both(key("note"), all),
    both(key("action"), all),
  ];
  const side = (l: Lang): Side => ({ title: title[l], paragraphs: [hello[l], body[l], note[l]], action: action[l] });
  return bilingual(p.brand, p.lang, side("fr"), side("en"), p.url);
}

export function orderConfirmationEmail(p: {
  brand: string;
  lang: Lang;
  username: string;
  /** How the order is named everywhere: `#1234`. */
  orderRef: string;
  service: string;
  quantity: number;
  /** The charge formatted in each language (moneyParam). */
  charge: Record<Lang, string>;
  url: string;
}): Rendered {
  return fromCatalogue(p, "order", { ref: p.orderRef, service: p.service, quantity: p.quantity, charge: p.charge }, p.url);
}

export function ticketReplyEmail(p: { brand: string; lang: Lang; username: string; subject: string; reply: string; url: string }): Rendered {
  return fromCatalogue(p, "ticket_reply", { subject: p.subject }, p.url, [p.reply]);
}

/** A notice to the platform's admins about something they must act on (a provider's balance or currency…). */
export function adminNoticeEmail(p: {
  brand: string;
  lang: Lang;
  fr: { title: string; body: string };
  en: { title: string; body: string };
  url: string;
}): Rendered {
  const action = both("mail.admin.action");
  return bilingual(
    p.brand,
    p.lang,
    { title: p.fr.title, paragraphs: [p.fr.body], action: action.fr },
    { title: p.en.title, paragraphs: [p.en.body], action: action.en },
    p.url,
  );
}
