import type { Ctx } from "../../context.ts";
import { withTransaction } from "../../context.ts";
import { NotFound, fieldError } from "../../core/errors.ts";
import { dbNow } from "../../lib/time.ts";
import { formatMoney } from "../../money/money.ts";
import { writeAudit } from "../../audit/audit.ts";
import { userOfTenant } from "./service.ts";
import type { UserPriceInput } from "./schema.ts";

/**
 * A user's own prices (`service_prices_override`): the rate per 1000 that user pays for a service
 * instead of the platform price; the catalogue and every order read it (src/catalog/prices.ts).
 */
export interface UserPrice {
  service_id: number;
  service_name: string;
  /** The user's rate and the platform's, per 1000 (micro-units). */
  rate: number;
  platform_rate: number;
  updated_at: string;
}

export async function listUserPrices(ctx: Ctx, userId: number): Promise<UserPrice[]> {
  await userOfTenant(ctx, userId);
  const rows = await ctx.db
    .selectFrom("service_prices_override as custom")
    .innerJoin("services", "services.id", "custom.service_id")
    .select(["custom.service_id", "services.name as service_name", "custom.rate", "services.rate as platform_rate", "custom.updated_at"])
    .where("custom.user_id", "=", userId)
    .orderBy("services.name")
    .orderBy("custom.service_id")
    .execute();
  return rows.map((r) => ({ ...r, rate: Number(r.rate), platform_rate: Number(r.platform_rate) }));
}

/** Sets (or changes) the user's price of a service; audit-logged with the price before. */
export async function setUserPrice(ctx: Ctx, userId: number, input: UserPriceInput): Promise<UserPrice> {
  const set = await withTransaction(ctx, async (tx) => {
    const user = await userOfTenant(tx, userId);
    const service = await tx.db.selectFrom("services").select(["id", "name", "rate"]).where("id", "=", input.service_id).executeTakeFirst();
    if (!service) throw fieldError("service_id", "Unknown service");
    const now = dbNow(tx.clock);
    const before = await tx.db
      .selectFrom("service_prices_override")
      .select(["id", "rate"])
      .where("user_id", "=", user.id)
      .where("service_id", "=", service.id)
      .executeTakeFirst();
    if (before) await tx.db.updateTable("service_prices_override").set({ rate: input.rate, updated_at: now }).where("id", "=", before.id).execute();
    else
      await tx.db
        .insertInto("service_prices_override")
        .values({ user_id: user.id, service_id: service.id, rate: input.rate, created_at: now, updated_at: now })
        .execute();
    await writeAudit(tx, {
      action: "user.price.set",
      targetType: "user",
      targetId: user.id,
      data: { service_id: service.id, before: before ? formatMoney(Number(before.rate)) : null, after: formatMoney(input.rate) },
    });
    return { service_id: service.id, service_name: service.name, rate: input.rate, platform_rate: Number(service.rate), updated_at: now };
  });
  // A user's own prices are part of the catalogue (cached by the prices that apply: src/catalog/prices.ts).
  ctx.events.catalogChanged();
  return set;
}

/** Drops the user's price of a service: they pay the platform price again. */
export async function removeUserPrice(ctx: Ctx, userId: number, serviceId: number): Promise<void> {
  await withTransaction(ctx, async (tx) => {
    const user = await userOfTenant(tx, userId);
    const before = await tx.db
      .selectFrom("service_prices_override")
      .select(["id", "rate"])
      .where("user_id", "=", user.id)
      .where("service_id", "=", serviceId)
      .executeTakeFirst();
    if (!before) throw new NotFound("This user has no own price for this service");
    await tx.db.deleteFrom("service_prices_override").where("id", "=", before.id).execute();
    await writeAudit(tx, {
      action: "user.price.remove",
      targetType: "user",
      targetId: user.id,
      data: { service_id: serviceId, before: formatMoney(Number(before.rate)) },
    });
  });
  ctx.events.catalogChanged();
}
