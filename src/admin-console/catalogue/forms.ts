import type { Context } from "hono";
import { AppError, NotFound, Validation } from "../../core/errors.ts";
import type { AppEnv } from "../../http/env.ts";
import type { MessageKey } from "../../i18n/i18n.ts";
import type { ConsoleFormat } from "../frame.ts";

export type Fields = Record<string, string>;
export type Errors = Record<string, string[]>;

/** A posted form's text fields (the CSRF token left out); `ids` keeps every checked box. */
export async function formOf(c: Context<AppEnv>): Promise<{ fields: Fields; ids: string[] }> {
  const body = await c.req.parseBody({ all: true });
  const fields: Fields = {};
  for (const [k, v] of Object.entries(body)) {
    const value = Array.isArray(v) ? v.at(-1) : v;
    if (k !== "_csrf" && k !== "ids" && typeof value === "string") fields[k] = value.slice(0, 6000);
  }
  const raw = body.ids;
  const ids = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((v): v is string => typeof v === "string").slice(0, 500);
  return { fields, ids };
}

/**
 * A refused form's fields, each with the key of the console's words for it; `_` holds a refusal of
 * the whole form. Only refusals re-render the form: anything else (404, 500) goes on to the error page.
 */
export function fieldErrors(err: unknown, words: Partial<Record<string, MessageKey>>, fallback: MessageKey): Errors {
  if (err instanceof NotFound || !(err instanceof AppError) || ![409, 422].includes(err.status)) throw err;
  if (!(err instanceof Validation)) return { _: [words._ ?? fallback] };
  const out: Errors = {};
  for (const field of Object.keys((err.details as Record<string, unknown>) ?? {})) out[field] = [words[field] ?? fallback];
  return out;
}

export const translated = (f: ConsoleFormat, errors: Errors | undefined): Errors =>
  Object.fromEntries(Object.entries(errors ?? {}).map(([k, v]) => [k, v.map((m) => f.tx(m as MessageKey))]));

/** The notice after a redirect (`?done=`), in the page's language, when it is one the section knows. */
export function doneNotice(f: ConsoleFormat, done: string | undefined, known: readonly string[]): string | null {
  return done && known.includes(done) ? f.tx(`admin.cat.done.${done}` as MessageKey) : null;
}
