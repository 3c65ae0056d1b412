import type { Ctx } from "../context.ts";
import { requireUser } from "../context.ts";
import type { ApiKey } from "../db/schema.ts";
import { dbNow } from "../lib/time.ts";
import { PERMISSIONS } from "../developer-api/keys.ts";
import { createKey, revokeKey } from "../developer-api/service.ts";
import { inTenant } from "../tenancy/scoped.ts";

/** The name of the key the account page makes (the JSON API lets platform users make and name others). */
const STOREFRONT_KEY_NAME = "storefront";

/** The key the account page shows: the caller's newest live key on this tenant, or null. */
export async function currentStorefrontKey(ctx: Ctx): Promise<ApiKey | null> {
  const user = requireUser(ctx);
  const now = dbNow(ctx.clock);
  const key = await inTenant(ctx)
    .selectFrom("api_keys")
    .selectAll()
    .where("user_id", "=", user.id)
    .where("revoked_at", "is", null)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
    .orderBy("id", "desc")
    .executeTakeFirst();
  return key ?? null;
}

/**
 * A new key for the customer on this tenant, with every permission, replacing the one the page
 * showed (revoked at once, as the page says). The raw key is returned here only.
 */
export async function regenerateStorefrontKey(ctx: Ctx): Promise<string> {
  const previous = await currentStorefrontKey(ctx);
  const made = await createKey(ctx, {
    name: STOREFRONT_KEY_NAME,
    permissions: [...PERMISSIONS],
    rate_limit_per_minute: 60,
    ip_whitelist: null,
    expires_at: null,
  });
  if (previous) await revokeKey(ctx, previous.uuid);
  return made.raw;
}

/** Revokes the key the page shows; false when there was none. */
export async function revokeStorefrontKey(ctx: Ctx): Promise<boolean> {
  const key = await currentStorefrontKey(ctx);
  if (!key) return false;
  await revokeKey(ctx, key.uuid);
  return true;
}
