import { formatCurrency, type Micro } from "../money/money.ts";
import { LANGS, type Lang } from "./lang.ts";

/** The Intl locale each language reads numbers in. */
const LOCALES: Record<Lang, string> = { fr: "fr-FR", en: "en-US" };

/** An amount in the reader's language: "863 F CFA" (fr), "F CFA 863" (en). `rate` for prices per 1000. */
export function moneyText(micro: Micro, currency: string, lang: Lang, kind: "amount" | "rate" = "amount"): string {
  return formatCurrency(micro, currency, LOCALES[lang], kind);
}

/** An amount as a message placeholder, formatted for each language of a bilingual notice or e-mail. */
export function moneyParam(micro: Micro, currency: string): Record<Lang, string> {
  return Object.fromEntries(LANGS.map((lang) => [lang, moneyText(micro, currency, lang)])) as Record<Lang, string>;
}
