import { NotFound } from "./errors.ts";
import { readId } from "./validate.ts";

/** A numeric id from the path, or a 404 naming `what` (a malformed id is a resource that does not exist). */
export function idParam(raw: string | undefined, what: string): number {
  const id = readId(raw);
  if (id === null) throw new NotFound(`${what} not found`);
  return id;
}
