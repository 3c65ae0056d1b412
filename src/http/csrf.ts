import type { Context } from "hono";
import type { AppEnv } from "./env.ts";
import { Forbidden } from "../core/errors.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The origin a browser writes for a page of this host: scheme, lower-cased host, no default port; null for a malformed Host. */
export function originOf(secure: boolean, host: string): string | null {
  try {
    return new URL(`${secure ? "https" : "http"}://${host.trim()}`).origin;
  } catch {
    return null;
  }
}

/** The JSON routes: the API, except the standard provider API (its key is in the form, never a cookie). */
function isJsonRoute(path: string): boolean {
  return (path === "/api" || path.startsWith("/api/")) && !/^\/api\/v2\/?$/.test(path);
}

function senderOrigin(c: Context<AppEnv>): string | null {
  const origin = c.req.header("origin");
  if (origin) return origin.trim().toLowerCase();
  const referer = c.req.header("referer");
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return null;
  }
}

function hasBody(c: Context<AppEnv>): boolean {
  const length = c.req.header("content-length");
  return c.req.header("transfer-encoding") !== undefined || (length !== undefined && length.trim() !== "0");
}

/**
 * A JSON route reached with the session cookie (a browser sends it on any site's form) takes
 * only a JSON body sent from the tenant's own origin; Bearer tokens and API keys never get here.
 */
export function assertSameOriginJson(c: Context<AppEnv>): void {
  if (SAFE_METHODS.has(c.req.method) || !isJsonRoute(c.req.path)) return;
  const own = c.get("origin");
  const sender = senderOrigin(c);
  if (!own || sender !== own) throw new Forbidden("Cross-site request refused: send it from this site's own pages, or use a Bearer token", "csrf_refused");
  const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const json = type === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(type);
  if (!json && (type !== "" || hasBody(c))) throw new Forbidden("With the session cookie this route accepts only a JSON body", "csrf_refused");
}
