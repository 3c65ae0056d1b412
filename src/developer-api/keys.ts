import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import type { Ctx } from "../context.ts";
import type { ApiKey } from "../http/env.ts";
import type { User } from "../db/schema.ts";
import { Forbidden, Unauthorized } from "../http/errors.ts";
import { addressList } from "../lib/ip.ts";
import { dbNow } from "../lib/time.ts";

export const PERMISSIONS = ["services.read", "orders.create", "orders.read", "balance.read"] as const;
export type Permission = (typeof PERMISSIONS)[number];

export function hashApiKey(raw: string): string {
  return createHash("sha256").update(raw).digest("hex");
}

/** A new secret key: shown once to its owner, stored as SHA-256 with a short prefix for display. */
export function generateApiKey(): { raw: string; hash: string; prefix: string } {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  const raw = `sk_${encodeBase32LowerCaseNoPadding(bytes)}`;
  return { raw, hash: hashApiKey(raw), prefix: raw.slice(0, 10) };
}

export async function createApiKey(
  ctx: Ctx,
  userId: number,
  input: { name: string; permissions: Permission[]; rate_limit_per_minute?: number; ip_whitelist?: string[]; expires_at?: string | null },
): Promise<{ raw: string; id: number; uuid: string }> {
  const key = generateApiKey();
  const now = dbNow(ctx.clock);
  const uuid = randomUUID();
  const res = await ctx.db
    .insertInto("api_keys")
    .values({
      uuid,
      site_id: ctx.tenant.siteId,
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

export function keyPermissions(key: ApiKey): Permission[] {
  try {
    const p = JSON.parse(key.permissions);
    return Array.isArray(p) ? p.filter((x): x is Permission => (PERMISSIONS as readonly string[]).includes(x)) : [];
  } catch {
    return [];
  }
}

/** The key and its owner for this tenant, or a 401/403 that says why in general terms. */
export async function authenticateApiKey(ctx: Ctx, raw: string | undefined, ip: string): Promise<{ key: ApiKey; user: User }> {
  if (!raw || !/^sk_[a-z2-7]{20,64}$/.test(raw)) throw new Unauthorized("A valid API key is required", "invalid_api_key");
  const hash = hashApiKey(raw);
  const key = await ctx.db.selectFrom("api_keys").selectAll().where("key_hash", "=", hash).where("site_id", "=", ctx.tenant.siteId).executeTakeFirst();
  if (!key || !timingSafeEqual(Buffer.from(key.key_hash, "hex"), Buffer.from(hash, "hex"))) throw new Unauthorized("A valid API key is required", "invalid_api_key");
  const now = dbNow(ctx.clock);
  if (key.revoked_at || (key.expires_at && key.expires_at <= now)) throw new Unauthorized("This API key is revoked or expired", "invalid_api_key");
  const user = await ctx.db.selectFrom("users").selectAll().where("id", "=", key.user_id).where("site_id", "=", ctx.tenant.siteId).executeTakeFirst();
  if (!user || user.deleted_at) throw new Unauthorized("A valid API key is required", "invalid_api_key");
  if (user.is_banned) throw new Forbidden("This account is suspended", "account_banned");
  if (key.ip_whitelist) {
    const allowed = addressList(JSON.parse(key.ip_whitelist) as string[]);
    if (!allowed.has(ip)) throw new Forbidden("This address may not use this API key", "ip_not_allowed");
  }
  await ctx.db.updateTable("api_keys").set({ last_used_at: now, last_used_ip: ip }).where("id", "=", key.id).execute();
  return { key, user };
}
