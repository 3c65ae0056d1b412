import { z } from "zod";
import type { Lang } from "./lang.ts";

/** key → text with "{name}" placeholders, for one language. */
export type Messages = Record<string, string>;

/** What a page locale file (themes/<name>/locales/<lang>.json) may hold: dotted keys → texts. */
export const messagesSchema = z.record(z.string().regex(/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/), z.string().max(4000));
/** A placeholder's value: the same in both languages, or its own text per language. */
type Param = string | number | Record<Lang, string>;
export type Params = Record<string, Param>;

/** A feature's messages in both languages; English must have exactly French's keys (checked by the compiler). */
export function catalogue<const F extends Messages>(fr: F, en: { [K in keyof F]: string }): Record<Lang, Record<keyof F & string, string>> {
  return { fr, en };
}

/** Fills "{name}" placeholders for `lang`; an unknown placeholder stays as written. */
export function fill(text: string, lang: Lang, params?: Params): string {
  if (!params) return text;
  return text.replace(/\{([a-z_]+)\}/g, (m, name: string) => {
    const v = Object.hasOwn(params, name) ? params[name] : undefined;
    return v === undefined ? m : typeof v === "object" ? v[lang] : String(v);
  });
}

/** t(key, params) over one language's messages, the other language as fallback; a missing key is reported. */
export function translator(lang: Lang, messages: Messages, fallback: Messages, onMissing: (key: string) => void) {
  return (key: string, params?: Params): string => {
    let s = messages[key];
    if (s === undefined) {
      onMissing(key);
      s = fallback[key] ?? key;
    }
    return fill(s, lang, params);
  };
}
