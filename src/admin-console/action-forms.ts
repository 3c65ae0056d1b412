import type { Context } from "hono";
import type { z } from "zod";
import { AppError, Validation } from "../core/errors.ts";
import { parseInput } from "../core/validate.ts";
import type { AppEnv } from "../http/env.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import type { ConsoleFormat } from "./frame.ts";

/**
 * Form plumbing shared by the Deposits and Users sections: what was typed, refusals as message keys per
 * field (the page translates them), and list filters read leniently from the URL.
 */

export type Fields = Record<string, string>;
export type Errors = Record<string, MessageKey[]>;

/** The posted fields as typed (the CSRF token apart), each cut to a sane length. */
export async function readForm(c: Context<AppEnv>): Promise<Fields> {
  const out: Fields = {};
  for (const [k, v] of Object.entries(await c.req.parseBody())) if (k !== "_csrf" && typeof v === "string") out[k] = v.slice(0, 6000);
  return out;
}

/**
 * A refusal as the form shows it: a Validation names its fields (each with the section's word for that
 * field), a conflict (already verified, balance too low…) is a notice above the form keyed by its code;
 * anything else is not the form's business and is thrown on.
 */
export function refusalOf(
  err: unknown,
  words: Partial<Record<string, MessageKey>>,
  conflicts: Partial<Record<string, MessageKey>>,
  fallback: MessageKey,
): Errors {
  if (err instanceof Validation) {
    const out: Errors = {};
    for (const field of Object.keys(err.details ?? {})) {
      const key = words[field];
      out[field] = [key ?? fallback];
      // A field the form has no word for may have no place on the page: say it above the form too.
      if (!key) out._ = [fallback];
    }
    return out;
  }
  if (err instanceof AppError && (err.status === 409 || err.code === "insufficient_balance")) {
    return { _: [conflicts[err.code] ?? fallback] };
  }
  throw err;
}

export const translated = (f: ConsoleFormat, errors: Errors | undefined): Record<string, string[]> =>
  Object.fromEntries(Object.entries(errors ?? {}).map(([k, v]) => [k, v.map((m) => f.tx(m))]));

/** A list's filters from the URL: what the schema accepts of the named parameters; a bad one is dropped, not a 422. */
export function lenientQuery<S extends z.ZodType>(
  schema: S,
  raw: Record<string, string>,
  names: readonly string[],
  extra: Record<string, string> = {},
): z.infer<S> {
  const wanted = Object.fromEntries(Object.entries(raw).filter(([k, v]) => names.includes(k) && v !== ""));
  const parsed = schema.safeParse({ ...wanted, ...extra });
  if (parsed.success) return parsed.data;
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  return parseInput(schema, { ...Object.fromEntries(Object.entries(wanted).filter(([k]) => !bad.has(k))), ...extra });
}

/** The filters to keep in pagination links and forms: the named parameters that have a value. */
export function keptFilters(url: string, names: readonly string[]): URLSearchParams {
  return new URLSearchParams([...new URL(url).searchParams].filter(([k, v]) => names.includes(k) && v));
}

/** Options of a <select>, the chosen one marked. */
export const options = (values: readonly { value: string; label: string }[], chosen: string | undefined) =>
  values.map((o) => ({ ...o, selected: o.value === chosen }));
