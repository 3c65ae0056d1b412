import type { Context } from "hono";
import { PLATFORM } from "../context.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { addressList } from "../lib/ip.ts";
import { tlsCertificateAllowed } from "./domains.ts";
import { tlsAskQuery } from "./schema.ts";

export const TLS_ASK_PATH = "/internal/tls/ask";

const loopback = addressList(["127.0.0.0/8", "::1"]);

/**
 * Caddy's on-demand TLS `ask`: 200 when a certificate may be issued for ?domain=, 404 otherwise,
 * 403 unless the caller is on loopback or is a trusted proxy (Caddy in its own container). Answered before tenant resolution (the proxy calls it on
 * 127.0.0.1, which is not a platform host in production), from one indexed lookup, no DNS.
 */
export async function answerTlsAsk(c: Context<AppEnv>, fromTrustedProxy = false): Promise<Response> {
  if (!fromTrustedProxy && !loopback.has(c.get("clientIp"))) return c.text("forbidden", 403);
  const q = tlsAskQuery.safeParse(c.req.query());
  if (!q.success || !q.data.domain) return c.text("unknown domain", 404);
  return (await tlsCertificateAllowed({ ...ctxOf(c), tenant: PLATFORM }, q.data.domain)) ? c.text("ok", 200) : c.text("unknown domain", 404);
}
