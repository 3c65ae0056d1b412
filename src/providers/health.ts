import type { Ctx } from "../context.ts";
import { dbNow } from "../lib/time.ts";

/**
 * A provider's `last_error` tells admins what is broken with it now, prefixed by the work that
 * failed ("sync: …" for the catalogue, "status: …" for order status sync), with its time.
 */
type ProviderWork = "status";

interface ProviderRef {
  id: number;
  name: string;
}

/** Logs a failed call of `work` with the provider and the reason, and keeps it as the provider's last_error. */
export async function recordProviderFailure(
  ctx: Ctx,
  provider: ProviderRef,
  work: ProviderWork,
  reason: string,
  data: Record<string, unknown> = {},
): Promise<void> {
  ctx.logger.warn(`provider ${work} call failed`, { provider_id: provider.id, provider: provider.name, reason, ...data });
  await ctx.db
    .updateTable("api_providers")
    .set({ last_error: `${work}: ${reason}`.slice(0, 500), last_error_at: dbNow(ctx.clock) })
    .where("id", "=", provider.id)
    .execute();
}

/** The work ran cleanly: its own error goes (another work's error stays until that work succeeds). */
export async function clearProviderFailure(ctx: Ctx, providerId: number, work: ProviderWork): Promise<void> {
  await ctx.db
    .updateTable("api_providers")
    .set({ last_error: null, last_error_at: null })
    .where("id", "=", providerId)
    .where("last_error", "like", `${work}: %`)
    .execute();
}
