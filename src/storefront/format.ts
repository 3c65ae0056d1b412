import { formatPercent, type Micro } from "../money/money.ts";
import type { Lang } from "../i18n/lang.ts";
import { moneyText } from "../i18n/money.ts";
import type { StatusBadgeView, Translate } from "./view-models.ts";

const grouping: Record<Lang, Intl.NumberFormat> = {
  fr: new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 }),
  en: new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 }),
};

/** A booked amount (balance, charge, deposit) by Intl in the page's language: "1 250 F CFA" (fr), "F CFA 1,250" (en), "12,50 €". */
export function displayMoney(micro: Micro, currency: string, lang: Lang): string {
  return moneyText(micro, currency, lang);
}

/** A price per 1000, which may keep 2 decimals: "862,75 F CFA" (fr), "F CFA 862.75" (en). */
export function displayRate(micro: Micro, currency: string, lang: Lang): string {
  return moneyText(micro, currency, lang, "rate");
}

export function displayNumber(n: number, lang: Lang): string {
  return grouping[lang].format(n);
}

/** Basis points as a percentage for reading, its decimals kept: 150 → "1,5 %" (fr), "1.5 %" (en). */
export function displayPercent(bp: number, lang: Lang): string {
  const text = formatPercent(bp);
  return `${lang === "fr" ? text.replace(".", ",") : text} %`;
}

const dateFormats: Record<Lang, Intl.DateTimeFormat> = {
  fr: new Intl.DateTimeFormat("fr-FR", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }),
  en: new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }),
};

/** ISO-8601 or stored 'YYYY-MM-DD HH:MM:SS' → "12 mars 2026, 14:05" (UTC, the region's time). */
export function displayDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return "—";
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso.replace(" ", "T")}Z`);
  return Number.isNaN(d.getTime()) ? "—" : dateFormats[lang].format(d);
}

const TONES: Record<string, string> = {
  pending: "pending",
  processing: "progress",
  in_progress: "progress",
  completed: "success",
  partial: "warning",
  canceled: "muted",
  refunded: "muted",
  failed: "danger",
  open: "progress",
  answered: "success",
  customer_reply: "pending",
  closed: "muted",
};

/** A status as a badge: a fixed CSS tone and a translated label (unknown statuses show as "muted"). */
export function statusBadge(kind: "order" | "ticket" | "deposit", status: string, t: Translate): StatusBadgeView {
  const known = /^[a-z_]{1,30}$/.test(status) ? status : "unknown";
  const tone = kind === "deposit" && known === "completed" ? "success" : (TONES[known] ?? "muted");
  return { tone, label: t(`status.${kind}.${known}`) };
}
