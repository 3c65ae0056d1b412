import { z } from "zod";
import { Validation, type FieldErrors } from "./errors.ts";
import { readWholeNumber } from "./form-number.ts";

/** zod issues → { field: [messages] }; "_" for the body as a whole. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    out[key] = [...(out[key] ?? []), issue.message];
  }
  return out;
}

/** `lang`: the language the schema's messages are written in, when not the APIs' English. */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown, lang?: string): z.infer<S> {
  const r = schema.safeParse(data);
  if (!r.success) throw new Validation(fieldErrors(r.error), undefined, lang);
  return r.data;
}

/**
 * A whole number sent as a JSON integer or as a string of digits (a form, "10 000" too, or a query
 * string), read by `readWholeNumber`: never true as 1, [7] as 7, "" as 0, "1e3" as 1000 or "0x10" as 16.
 */
export function wholeNumber(message = "Must be a whole number", range: { min?: number; max?: number } = {}) {
  const min = range.min ?? -Number.MAX_SAFE_INTEGER;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  return z.union([z.number(), z.string()], { error: message }).transform((v, ctx) => {
    const n = readWholeNumber(v);
    if (n === null || n < min || n > max) {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    return n;
  });
}

/** Plain decimal digits: no sign, space, exponent, hex prefix or decimal point. */
const PLAIN_DIGITS = /^\d{1,16}$/;

/**
 * The one id parser, for paths, bodies and queries: a positive safe integer sent as a JSON integer or
 * as plain digits, else null ("1e0", "0x1", "1.0", " 1" and "+1" are not ids).
 */
export function readId(raw: unknown): number | null {
  const n = typeof raw === "number" ? raw : typeof raw === "string" && PLAIN_DIGITS.test(raw) ? Number(raw) : Number.NaN;
  return Number.isSafeInteger(n) && n >= 1 ? n : null;
}

/** A positive whole id (of a service, a method, a plan…) in a body or a query, read by `readId`. */
export const positiveId = (message = "Must be a positive id") =>
  z.union([z.number(), z.string()], { error: message }).transform((v, ctx) => {
    const id = readId(v);
    if (id === null) {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    return id;
  });

/** A whole number in a query string (page, per_page, days, level…): plain digits only; pipe it into its range. */
export const queryNumber = (message = "Must be a whole number") => z.string({ error: message }).regex(PLAIN_DIGITS, message).transform(Number);
