import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import type { Ctx } from "../context.ts";
import type { ApiKey, User } from "../db/schema.ts";
import { Forbidden, Unauthorized } from "../core/errors.ts";
import { addressList } from "../lib/ip.ts";
import { dbNow } from "../lib/time.ts";
import { assertCustomerApi } from "../tenancy/plan-limits.ts";
import { inTenant } from "../tenancy/scoped.ts";

export const PERMISSIONS = ["services.read", "orders.create", "orders.read", "balance.read"] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What the raw key looks like: `sk_` and base32 (24 random bytes → 39 characters). */
const RAW_KEY = /^sk_[a-z2-7]{20,64}$/;
/** The visible part of a key kept for display (`sk_` and 7 characters). */
const PREFIX_LENGTH = 10;

/** The display prefix of a presented key when it has a key's shape, whether or not such a key exists. */
export function presentedPrefix(raw: string | undefined | null): string | null {
  return raw && RAW_KEY.test(raw) ? raw.slice(0, PREFIX_LENGTH) : null;
}

export function hashApiKey(raw: string): string {
  return createHash("sha256").update(raw).digest("hex");
}

/** A new secret key: shown once to its owner, stored as SHA-256 with a short prefix for display. */
function generateApiKey(): { raw: string; hash: string; prefix: string } {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  const raw = `sk_${encodeBase32LowerCaseNoPadding(bytes)}`;
  return { raw, hash: hashApiKey(raw), prefix: raw.slice(0, PREFIX_LENGTH) };
}

interface NewApiKey {
  name: string;
  permissions: Permission[];
  rate_limit_per_minute?: number;
  ip_whitelist?: string[] | null;
  /** A stored timestamp ('YYYY-MM-DD HH:MM:SS.sss' UTC) or null for a key that never expires. */
  expires_at?: string | null;
}

/** Inserts a key for a user of the context's tenant; the raw key exists only in this return value. */
export async function createApiKey(ctx: Ctx, userId: number, input: NewApiKey): Promise<{ raw: string; id: number; uuid: string }> {
  await assertCustomerApi(ctx);
  const key = generateApiKey();
  const now = dbNow(ctx.clock);
  const uuid = randomUUID();
  const res = await inTenant(ctx)
    .insertInto("api_keys", {
      uuid,
      user_id: userId,
      name: input.name,
      key_hash: key.hash,
      prefix: key.prefix,
      permissions: JSON.stringify(input.permissions),
      rate_limit_per_minute: input.rate_limit_per_minute ?? 60,
      ip_whitelist: input.ip_whitelist?.length ? JSON.stringify(input.ip_whitelist) : null,
      expires_at: input.expires_at ?? null,
      created_at: now,
      updated_at: now,
    })
    .executeTakeFirstOrThrow();
  return { raw: key.raw, id: Number(res.insertId), uuid };
}

export function keyPermissions(key: Pick<ApiKey, "permissions">): Permission[] {
  try {
    const p = JSON.parse(key.permissions);
    return Array.isArray(p) ? p.filter((x): x is Permission => (PERMISSIONS as readonly string[]).includes(x)) : [];
  } catch {
    return [];
  }
}

export function keyWhitelist(key: Pick<ApiKey, "ip_whitelist">): string[] {
  if (!key.ip_whitelist) return [];
  try {
    const list = JSON.parse(key.ip_whitelist);
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

/** The stored key a raw key names on this tenant, or null; compared by hash in constant time. */
export async function findApiKey(ctx: Ctx, raw: string | undefined | null): Promise<ApiKey | null> {
  if (!raw || !RAW_KEY.test(raw)) return null;
  const hash = hashApiKey(raw);
  const key = await inTenant(ctx).selectFrom("api_keys").selectAll().where("key_hash", "=", hash).executeTakeFirst();
  if (!key || !timingSafeEqual(Buffer.from(key.key_hash, "hex"), Buffer.from(hash, "hex"))) return null;
  return key;
}

/** A stored key that is neither revoked nor expired: what the guessing guard lets through unchecked. */
export function isLiveKey(ctx: Ctx, key: Pick<ApiKey, "revoked_at" | "expires_at">): boolean {
  return !key.revoked_at && !(key.expires_at && key.expires_at <= dbNow(ctx.clock));
}

/**
 * Whether a known key may be used now from `ip`: revoked or expired → 401, a site whose plan has no
 * customer API → 403, banned owner → 403, address outside the whitelist → 403. Records the key's
 * last use when it may (to the minute, and at once from a new address).
 */
export async function admitApiKey(ctx: Ctx, key: ApiKey, ip: string): Promise<User> {
  const now = dbNow(ctx.clock);
  if (!isLiveKey(ctx, key)) throw new Unauthorized("This API key is revoked or expired", "invalid_api_key");
  await assertCustomerApi(ctx);
  const user = await inTenant(ctx).selectFrom("users").selectAll().where("id", "=", key.user_id).executeTakeFirst();
  if (!user || user.deleted_at) throw new Unauthorized("A valid API key is required", "invalid_api_key");
  if (user.is_banned) throw new Forbidden("This account is suspended", "account_banned");
  const whitelist = keyWhitelist(key);
  if (whitelist.length && !addressList(whitelist).has(ip)) throw new Forbidden("This address may not use this API key", "ip_not_allowed");
  // The last use to the minute: a busy key is not rewritten on every call (on MariaDB that write would
  // wait for the key's own orders still in their transaction, which hold a lock on its row).
  const address = ip.slice(0, 45);
  if (key.last_used_ip !== address || !key.last_used_at || key.last_used_at < dbNow(ctx.clock, -LAST_USE_PRECISION_MS))
    await ctx.db.updateTable("api_keys").set({ last_used_at: now, last_used_ip: address }).where("id", "=", key.id).execute();
  return user;
}

/** How stale a key's recorded last use may be, from the same address. */
const LAST_USE_PRECISION_MS = 60_000;

/** One api_logs row per call made with a known key; a failed write never fails the call. */
export async function logApiCall(
  ctx: Ctx,
  entry: { keyId: number; method: string; path: string; status: number; ip: string; durationMs: number },
): Promise<void> {
  await ctx.db
    .insertInto("api_logs")
    .values({
      api_key_id: entry.keyId,
      method: entry.method.slice(0, 10),
      path: entry.path.slice(0, 255),
      status: entry.status,
      ip: entry.ip.slice(0, 45),
      duration_ms: Math.max(0, Math.round(entry.durationMs)),
      created_at: dbNow(ctx.clock),
    })
    .execute()
    .catch((err) => ctx.logger.warn("api log write failed", { error: String(err) }));
}
