/** The languages every page, e-mail and notice ships in; French is the market's default. */
export const LANGS = ["fr", "en"] as const;
export type Lang = (typeof LANGS)[number];
const DEFAULT_LANG: Lang = "fr";

export function isLang(v: unknown): v is Lang {
  return typeof v === "string" && (LANGS as readonly string[]).includes(v);
}

/** A stored language preference → a language we ship (anything else falls back to French). */
export function langOf(language: string | null | undefined): Lang {
  return isLang(language) ? language : DEFAULT_LANG;
}
