import type { Context } from "hono";
import { Validation } from "../core/errors.ts";
import type { AppEnv } from "../http/env.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import type { ConsoleFormat } from "./frame.ts";

export type Fields = Record<string, string>;
export type Errors = Record<string, MessageKey[]>;

/** A posted form's text fields, the CSRF token left out. */
export async function formFields(c: Context<AppEnv>): Promise<Fields> {
  const out: Fields = {};
  for (const [k, v] of Object.entries(await c.req.parseBody())) if (k !== "_csrf" && typeof v === "string") out[k] = v.slice(0, 4000);
  return out;
}

/** A refused form's fields, each with the key of the section's words for what is wrong; other errors go on. */
export function refusedFields(err: unknown, words: Partial<Record<string, MessageKey>>): Errors {
  if (!(err instanceof Validation)) throw err;
  const out: Errors = {};
  for (const field of Object.keys(err.details ?? {})) out[field] = [words[field] ?? "admin.wl.error.invalid"];
  return out;
}

export const translatedErrors = (f: ConsoleFormat, errors: Errors | undefined): Record<string, string[]> =>
  Object.fromEntries(Object.entries(errors ?? {}).map(([k, v]) => [k, v.map((m) => f.tx(m))]));

/** A whole number typed in a form: digits become a number, "" becomes null, anything else stays text for the schema to refuse. */
export function formWhole(v: string | undefined): number | string | null {
  const s = (v ?? "").trim();
  if (s === "") return null;
  return /^\d{1,9}$/.test(s) ? Number(s) : s;
}

/** The confirmation step of an action: what will happen, the amounts, and the form that carries the values on. */
export interface Confirmation {
  title: string;
  lines: { label: string; value: string }[];
  consequence: string;
  action: string;
  fields: { name: string; value: string }[];
  submit: string;
  back: string;
}

/** The form's fields to carry through a confirmation, plus the confirm flag. */
export const carried = (fields: Fields) =>
  [...Object.entries(fields).filter(([k]) => k !== "confirm"), ["confirm", "1"]].map(([name, value]) => ({ name: name ?? "", value: value ?? "" }));
