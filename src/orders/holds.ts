import type { Ctx } from "../context.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { dbNow, HOUR } from "../lib/time.ts";
import { formatMoney } from "../money/money.ts";
import { notifyLocalized } from "../notifications/localized.ts";
import { both, notice } from "../i18n/i18n.ts";
import { providerClient, type BlockCause } from "../providers/client.ts";
import { getIntSetting } from "../settings/service.ts";
import { changeOrderStatus } from "./transitions.ts";
import { onPlatform } from "../tenancy/scoped.ts";

/**
 * Orders held because their provider refuses every order for a reason about itself (out of funds,
 * key refused, rate limit, maintenance, a URL we must fix): they stay pending in the queue and are
 * tried again every HOLD_RETRY_MS, refunded past `provider_hold_hours`; the admins are told once per
 * incident, with the provider's balance.
 */

/** Wait before a held order is tried again (one probe per provider per dispatch run, the rest wait unclaimed). */
export const HOLD_RETRY_MS = 5 * 60_000;

export async function holdLimitMs(ctx: Ctx): Promise<number> {
  return Math.max(1, await getIntSetting(ctx, "provider_hold_hours")) * HOUR;
}

/** Marks the provider's other waiting orders as held too, so that the deadline counts for them as well. */
export async function holdProviderOrders(ctx: Ctx, providerId: number): Promise<void> {
  await onPlatform(ctx.db)
    .updateTable("orders")
    .set({ held_since: dbNow(ctx.clock) })
    .where("provider_id", "=", providerId)
    .where("dispatch_state", "=", "queued")
    .where("status", "=", "pending")
    .where("held_since", "is", null)
    .execute();
}

async function platformAdmins(ctx: Ctx): Promise<number[]> {
  const rows = await onPlatform(ctx.db).selectFrom("users").select("id").where("role", "=", "admin").where("deleted_at", "is", null).execute();
  return rows.map((r) => r.id);
}

/** The provider's balance at this moment, best effort: a provider that cannot answer leaves it out. */
async function readBalance(ctx: Ctx, providerId: number): Promise<{ balance: number; currency: string | null } | null> {
  const row = await ctx.db.selectFrom("api_providers").select(["id", "url", "api_key"]).where("id", "=", providerId).executeTakeFirst();
  if (!row) return null;
  try {
    const client = providerClient(
      ctx,
      { id: row.id, url: row.url, apiKey: row.api_key },
      { retries: 0, timeoutMs: Math.min(ctx.config.PROVIDER_TIMEOUT_MS, 5_000) },
    );
    return await client.balance();
  } catch {
    return null;
  }
}

/**
 * Opens the provider's incident unless one is open (a unique index decides between concurrent
 * runs); the run that opens it reads the provider's balance and tells every platform admin.
 */
export async function openIncident(ctx: Ctx, providerId: number, cause: BlockCause, message: string): Promise<boolean> {
  const now = dbNow(ctx.clock);
  let id: number;
  try {
    const res = await ctx.db
      .insertInto("provider_incidents")
      .values({
        provider_id: providerId,
        open_provider_id: providerId,
        cause,
        message: message.slice(0, 500),
        opened_at: now,
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
    id = Number(res.insertId);
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
  const balance = await readBalance(ctx, providerId);
  if (balance)
    await ctx.db
      .updateTable("provider_incidents")
      .set({ provider_balance: balance.balance, provider_currency: balance.currency })
      .where("id", "=", id)
      .execute();
  const provider = await ctx.db.selectFrom("api_providers").select("name").where("id", "=", providerId).executeTakeFirst();
  const name = provider?.name ?? `#${providerId}`;
  const hours = (await holdLimitMs(ctx)) / HOUR;
  const amount = balance ? `${formatMoney(balance.balance)} ${balance.currency ?? ""}`.trim() : null;
  for (const admin of await platformAdmins(ctx)) {
    await notifyLocalized(ctx, admin, {
      type: "provider_hold",
      data: { provider_id: providerId, cause, message, balance: balance ? formatMoney(balance.balance) : null, currency: balance?.currency ?? null },
      ...notice("provider.hold", { name, cause: both(`provider.cause.${cause}`), message, balance: amount ?? both("provider.balance_unreadable"), hours }),
    });
  }
  ctx.logger.warn("provider refuses orders: held", { provider_id: providerId, cause, message });
  return true;
}

/**
 * Closes the provider's open incident (it accepted an order): the orders it held are due at once, and
 * the admins are told. No-op when none is open.
 */
export async function closeIncident(ctx: Ctx, providerId: number): Promise<boolean> {
  const now = dbNow(ctx.clock);
  const res = await ctx.db
    .updateTable("provider_incidents")
    .set({ open_provider_id: null, closed_at: now, updated_at: now })
    .where("open_provider_id", "=", providerId)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) return false;
  await onPlatform(ctx.db)
    .updateTable("orders")
    .set({ next_attempt_at: now, updated_at: now })
    .where("provider_id", "=", providerId)
    .where("dispatch_state", "=", "queued")
    .where("held_since", "is not", null)
    .execute();
  const provider = await ctx.db.selectFrom("api_providers").select("name").where("id", "=", providerId).executeTakeFirst();
  const name = provider?.name ?? `#${providerId}`;
  for (const admin of await platformAdmins(ctx)) {
    await notifyLocalized(ctx, admin, {
      type: "provider_hold_cleared",
      data: { provider_id: providerId },
      ...notice("provider.hold_cleared", { name }),
    });
  }
  return true;
}

/** Refunds and fails the held orders whose provider did not come back within provider_hold_hours. */
export async function refundExpiredHolds(ctx: Ctx): Promise<number> {
  const limitMs = await holdLimitMs(ctx);
  const expired = await onPlatform(ctx.db)
    .selectFrom("orders")
    .select(["id"])
    .where("dispatch_state", "=", "queued")
    .where("held_since", "<=", dbNow(ctx.clock, -limitMs))
    .where("status", "=", "pending")
    .orderBy("id")
    .limit(500)
    .execute();
  let refunded = 0;
  for (const { id } of expired) {
    const r = await changeOrderStatus(
      ctx,
      id,
      { status: "failed", error: `Refunded: the provider refused orders for more than ${limitMs / HOUR} h` },
      { from: ["pending"], dispatchFrom: ["queued"], set: { dispatch_state: "failed", next_attempt_at: null } },
    );
    if (r.changed) refunded++;
  }
  return refunded;
}
