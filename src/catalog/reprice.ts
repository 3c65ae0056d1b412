import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import { dbNow } from "../lib/time.ts";
import { baseRate, platformRate } from "../pricing/pricing.ts";
import { getIntSetting } from "../settings/service.ts";

/** The platform margin every service uses unless it has its own. */
export async function platformMarginBp(ctx: Ctx): Promise<number> {
  return Math.max(0, await getIntSetting(ctx, "platform_margin_bp"));
}

/** A service's base rate and platform rate from its provider rate, exchange rate and margins. */
export function servicePrices(providerRate: number, exchangeRateMicro: number, marginBp: number, serviceMarginBp: number | null) {
  const base = baseRate(providerRate, exchangeRateMicro);
  return { base_rate: base, rate: platformRate(base, marginBp, serviceMarginBp) };
}

/**
 * Recomputes base_rate and rate of services (all, one provider's, or one) after the platform
 * margin, an exchange rate or a service margin changed. Returns how many prices changed.
 */
export async function repriceServices(ctx: Ctx, scope: { providerId?: number; serviceId?: number } = {}): Promise<number> {
  const margin = await platformMarginBp(ctx);
  let q = ctx.db
    .selectFrom("services")
    .innerJoin("api_providers", "api_providers.id", "services.provider_id")
    .select(["services.id", "services.provider_rate", "services.base_rate", "services.rate", "services.margin_bp", "api_providers.exchange_rate"]);
  if (scope.providerId !== undefined) q = q.where("services.provider_id", "=", scope.providerId);
  if (scope.serviceId !== undefined) q = q.where("services.id", "=", scope.serviceId);
  const rows = await q.execute();
  const changes = rows
    .map((r) => ({ id: r.id, old: r, next: servicePrices(Number(r.provider_rate), Number(r.exchange_rate), margin, r.margin_bp) }))
    .filter((c) => c.next.base_rate !== Number(c.old.base_rate) || c.next.rate !== Number(c.old.rate));
  if (changes.length === 0) return 0;
  const now = dbNow(ctx.clock);
  await withTransaction(ctx, async (tx) => {
    for (const c of changes)
      await tx.db
        .updateTable("services")
        .set({ ...c.next, updated_at: now })
        .where("id", "=", c.id)
        .execute();
  });
  ctx.events.catalogChanged();
  return changes.length;
}

/** After the platform margin setting changed: every price follows. */
export function repriceAll(ctx: Ctx): Promise<number> {
  return repriceServices(ctx);
}
