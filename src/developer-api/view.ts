import type { ApiKey } from "../db/schema.ts";
import { toIso } from "../lib/time.ts";
import { keyPermissions, keyWhitelist } from "./keys.ts";
import type { ApiLog } from "./service.ts";

/** A key as its owner sees it: never the raw key nor its hash, only the short prefix. */
export function apiKeyView(k: ApiKey, now: Date) {
  const expired = k.expires_at !== null && toIso(k.expires_at)! <= now.toISOString();
  return {
    id: k.uuid,
    name: k.name,
    prefix: k.prefix,
    permissions: keyPermissions(k),
    rate_limit_per_minute: k.rate_limit_per_minute,
    ip_whitelist: keyWhitelist(k),
    expires_at: toIso(k.expires_at),
    last_used_at: toIso(k.last_used_at),
    last_used_ip: k.last_used_ip,
    revoked: k.revoked_at !== null,
    revoked_at: toIso(k.revoked_at),
    expired,
    active: k.revoked_at === null && !expired,
    created_at: toIso(k.created_at),
  };
}

/** The answer to a creation: the only time the raw key is ever shown. */
export function createdKeyView(k: ApiKey, raw: string, now: Date) {
  return { ...apiKeyView(k, now), key: raw };
}

export function apiLogView(l: ApiLog) {
  return { id: l.id, method: l.method, path: l.path, status: l.status, ip: l.ip, duration_ms: l.duration_ms, created_at: toIso(l.created_at) };
}
