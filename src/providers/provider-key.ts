import type { Ctx } from "../context.ts";
import { ConfigError, type Config } from "../config/config.ts";
import { openSecret, sealSecret } from "../lib/secret-box.ts";

/**
 * Provider keys are stored sealed (AES-256-GCM under DATA_ENCRYPTION_KEY, `src/lib/secret-box.ts`).
 * A stored value without the box's `v1:` version is a key written before sealing (or by hand): it
 * is used as it is, and sealed at the next start.
 */
const isSealed = (stored: string) => stored.startsWith("v1:");

type KeyConfig = Pick<Config, "DATA_ENCRYPTION_KEY">;

export function sealProviderKey(config: KeyConfig, plain: string): string {
  return sealSecret(plain, config.DATA_ENCRYPTION_KEY);
}

/** The key to send to the provider, from what api_providers.api_key holds. */
export function openProviderKey(config: KeyConfig, stored: string): string {
  if (!isSealed(stored)) return stored;
  try {
    return openSecret(stored, config.DATA_ENCRYPTION_KEY);
  } catch {
    throw new ConfigError(["DATA_ENCRYPTION_KEY: not the key the stored provider keys were sealed with"]);
  }
}

/**
 * At start: seals the keys still stored plain, and refuses to start (one line) when a sealed key does
 * not open, i.e. DATA_ENCRYPTION_KEY changed. Each update is conditional on the plain value, so two
 * processes starting together seal a key once.
 */
export async function sealStoredProviderKeys(ctx: Ctx): Promise<number> {
  const rows = await ctx.db.selectFrom("api_providers").select(["id", "api_key"]).execute();
  let sealed = 0;
  for (const row of rows) {
    if (isSealed(row.api_key)) {
      openProviderKey(ctx.config, row.api_key);
      continue;
    }
    const res = await ctx.db
      .updateTable("api_providers")
      .set({ api_key: sealProviderKey(ctx.config, row.api_key) })
      .where("id", "=", row.id)
      .where("api_key", "=", row.api_key)
      .executeTakeFirst();
    sealed += Number(res.numUpdatedRows);
  }
  return sealed;
}
