import type { Context } from "hono";
import type { AppEnv } from "./env.ts";
import { isIP } from "node:net";
import { normalizeIp } from "../lib/ip.ts";

/** The peer's address; X-Forwarded-* is believed only when the peer is a configured proxy. */
export function peerAddress(c: Context<AppEnv>): string {
  return normalizeIp(c.env?.clientIp ?? c.env?.incoming?.socket?.remoteAddress ?? "127.0.0.1");
}

/**
 * The client behind our proxies: the rightmost X-Forwarded-For address that is not a trusted
 * proxy (entries to its left were written by the client and prove nothing); null when unusable.
 */
export function forwardedFor(header: string | undefined, trusted: { has(ip: string): boolean }): string | null {
  const hops = (header ?? "")
    .split(",")
    .map((s) => normalizeIp(s.trim()))
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (!trusted.has(hop)) return isIP(hop) ? hop : null;
  }
  // Every hop is one of our proxies: the farthest one is the best we know.
  return hops[0] && isIP(hops[0]) ? hops[0] : null;
}

/** The last value of a list header, the one our nearest (trusted) proxy wrote (X-Forwarded-Host, -Proto). */
export function lastForwarded(header: string | undefined): string | undefined {
  const last = header?.split(",").at(-1)?.trim();
  return last || undefined;
}
