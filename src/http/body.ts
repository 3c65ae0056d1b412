import type { Context } from "hono";
import type { z } from "zod";
import { BadRequest, Validation } from "../core/errors.ts";
import { parseInput } from "../core/validate.ts";

/** Reads a JSON or form body; malformed JSON is a 400 envelope, never a 500. */
export async function readBody(c: Context): Promise<Record<string, unknown>> {
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
    const form = await c.req.parseBody({ all: true }).catch(() => {
      throw new BadRequest("Malformed form body", "invalid_body");
    });
    return form as Record<string, unknown>;
  }
  const text = await c.req.text();
  if (text.trim() === "") return {};
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new BadRequest("Malformed JSON body", "invalid_json");
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new Validation({ _: ["The body must be a JSON object"] });
  }
  return data as Record<string, unknown>;
}

export async function validBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  return parseInput(schema, await readBody(c));
}

export function validQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseInput(schema, c.req.query());
}
