import type { Context } from "hono";
import type { AppEnv } from "./env.ts";
import { normalizeIp } from "../lib/ip.ts";

/** The peer's address; X-Forwarded-* is believed only when the peer is a configured proxy. */
export function peerAddress(c: Context<AppEnv>): string {
  return normalizeIp(c.env?.clientIp ?? c.env?.incoming?.socket?.remoteAddress ?? "127.0.0.1");
}

export function forwardedFor(header: string | undefined): string | null {
  const first = header?.split(",")[0]?.trim();
  return first ? normalizeIp(first) : null;
}
