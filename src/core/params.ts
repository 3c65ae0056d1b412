import { z } from "zod";
import { NotFound } from "./errors.ts";

const numericId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A numeric id from the path, or a 404 naming `what` (a malformed id is a resource that does not exist). */
export function idParam(raw: string, what: string): number {
  const r = numericId.safeParse(raw);
  if (!r.success) throw new NotFound(`${what} not found`);
  return r.data;
}
