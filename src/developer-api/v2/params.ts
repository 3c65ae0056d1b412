import type { Context } from "hono";
import type { AppEnv } from "../../http/env.ts";

export type V2Fields = Record<string, string>;

/** Refused before any action runs: answered as the protocol's generic "Incorrect request". */
export class UnreadableRequest extends Error {}

const MAX_FIELDS = 64;

function put(fields: V2Fields, name: string, value: unknown): void {
  if (value === null || value === undefined || typeof value === "object") return;
  if (Object.keys(fields).length >= MAX_FIELDS && !(name in fields)) return;
  fields[name] = String(value);
}

/**
 * The fields of a v2 call as third-party panels send them: the query string first, then the body
 * on top (form-encoded, multipart or JSON; a client that forgot the content type is read as a form).
 * Every value is text, like a form.
 */
export async function readV2Fields(c: Context<AppEnv>): Promise<V2Fields> {
  const fields: V2Fields = {};
  for (const [name, value] of new URL(c.req.url).searchParams) put(fields, name, value);
  if (c.req.method !== "POST") return fields;
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  try {
    if (type.includes("multipart/form-data")) {
      const form = await c.req.parseBody();
      for (const [name, value] of Object.entries(form)) if (typeof value === "string") put(fields, name, value);
      return fields;
    }
    const text = await c.req.text();
    if (text.trim() === "") return fields;
    if (type.includes("application/json")) {
      const body: unknown = JSON.parse(text);
      if (!body || typeof body !== "object" || Array.isArray(body)) throw new UnreadableRequest("not an object");
      for (const [name, value] of Object.entries(body)) put(fields, name, value);
      return fields;
    }
    for (const [name, value] of new URLSearchParams(text)) put(fields, name, value);
    return fields;
  } catch (err) {
    throw err instanceof UnreadableRequest ? err : new UnreadableRequest(String(err));
  }
}
