import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./env.ts";

/**
 * The security headers of every answer (hono's secureHeaders defaults, Cross-Origin-Resource-Policy
 * same-site, no CSP here: storefront pages carry their own). Written last, over what a handler set.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-site",
  "origin-agent-cluster": "?1",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=15552000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-dns-prefetch-control": "off",
  "x-download-options": "noopen",
  "x-frame-options": "SAMEORIGIN",
  "x-permitted-cross-domain-policies": "none",
  "x-xss-protection": "0",
});
const SECURITY_ENTRIES = Object.entries(SECURITY_HEADERS);

// Answers made by completeResponse: they already carry every header the pipeline adds.
const complete = new WeakSet<Response>();

export function isComplete(res: Response): boolean {
  return complete.has(res);
}

/** Sets the security headers on every answer, after its handler (a complete answer has them). */
export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (complete.has(c.res)) return;
  const headers = c.res.headers;
  for (const [name, value] of SECURITY_ENTRIES) headers.set(name, value);
  headers.delete("x-powered-by");
});

/**
 * A hot path's answer (cached bytes) with every header the pipeline would add, written at once as a
 * plain object: node-server sends it without building a Headers object, and the pipeline's
 * after-handler steps leave it alone. Its headers: the handler's, the request id, the rate limit's
 * state, the security headers last (as securityHeaders writes them). Only for a handler before which
 * nothing but the pipeline (request id, rate limits) set a header: anything else set would be lost.
 */
export function completeResponse(c: Context<AppEnv>, body: Uint8Array<ArrayBuffer>, status: number, headers: Record<string, string>): Response {
  const res = new Response(body, {
    status,
    headers: { ...headers, ...c.get("rateLimitHeaders"), "x-request-id": c.get("requestId"), ...SECURITY_HEADERS },
  });
  complete.add(res);
  return res;
}
