import { sql } from "kysely";
import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import { writeAudit } from "../audit/audit.ts";
import { NotFound, Validation } from "../core/errors.ts";
import { dbNow } from "../lib/time.ts";
import { getSetting } from "../settings/service.ts";
import { repriceServices } from "../catalog/reprice.ts";
import { defaultExchangeRate } from "./bootstrap.ts";
import { lowBalanceThreshold } from "./balances.ts";
import type { ProviderCreate, ProviderUpdate } from "./schema.ts";
import { openProviderKey, sealProviderKey } from "./provider-key.ts";

export async function listAdminProviders(ctx: Ctx, providerId?: number) {
  let q = ctx.db
    .selectFrom("api_providers")
    .selectAll("api_providers")
    .select((eb) => [
      eb.selectFrom("services").select(sql<number>`count(*)`.as("n")).whereRef("services.provider_id", "=", "api_providers.id").as("services_count"),
      eb
        .selectFrom("services")
        .select(sql<number>`count(*)`.as("n"))
        .whereRef("services.provider_id", "=", "api_providers.id")
        .where("services.is_active", "=", 1)
        .as("active_services_count"),
    ]);
  if (providerId !== undefined) q = q.where("api_providers.id", "=", providerId);
  const rows = await q.orderBy("api_providers.id").execute();
  const out = [];
  for (const r of rows) {
    out.push({
      ...r,
      // The key in clear, for this process only: the view shows whether it is set and its last characters.
      api_key: openProviderKey(ctx.config, r.api_key),
      services_count: Number(r.services_count),
      active_services_count: Number(r.active_services_count),
      effective_low_balance_threshold: await lowBalanceThreshold(ctx, r),
    });
  }
  return out;
}

export type AdminProvider = Awaited<ReturnType<typeof listAdminProviders>>[number];

async function getAdminProvider(ctx: Ctx, id: number): Promise<AdminProvider> {
  const [row] = await listAdminProviders(ctx, id);
  if (!row) throw new NotFound("Provider not found");
  return row;
}

/** Audit data for a provider change: the key only as "changed", never its value. */
function auditData(before: AdminProvider | null, changes: Record<string, unknown>) {
  const safe = (v: Record<string, unknown>) => ("api_key" in v ? { ...v, api_key: "[changed]" } : v);
  const prior = before ? Object.fromEntries(Object.keys(changes).map((k) => [k, (before as Record<string, unknown>)[k]])) : null;
  return { before: prior && safe(prior), after: safe(changes) };
}

/** A changed key is stored sealed. */
function sealed(ctx: Ctx, changes: Record<string, unknown>): { api_key?: string } {
  return typeof changes.api_key === "string" ? { api_key: sealProviderKey(ctx.config, changes.api_key) } : {};
}

/** An admin edits a provider; a new exchange rate re-prices its services. */
export async function updateAdminProvider(ctx: Ctx, id: number, input: ProviderUpdate): Promise<AdminProvider> {
  const current = await getAdminProvider(ctx, id);
  if (current.code) {
    const managed = (["url", "key", "currency"] as const).filter((k) => input[k] !== undefined);
    if (managed.length)
      throw new Validation(
        Object.fromEntries(
          managed.map((k) => [
            k,
            [
              current.code === "env"
                ? "Set by SMM_API_URL / SMM_API_KEY / SMM_PROVIDER_CURRENCY: change the configuration"
                : "Set by the simulated provider at start",
            ],
          ]),
        ),
      );
  }
  // A new currency without a rate starts from that currency's default (none for most: not sold until set).
  const newCurrency = input.currency !== undefined && input.currency !== current.currency;
  const exchange_rate = input.exchange_rate ?? (newCurrency ? defaultExchangeRate(await getSetting(ctx, "currency"), input.currency!) : undefined);
  const wanted: Record<string, unknown> = {
    name: input.name,
    url: input.url,
    api_key: input.key,
    currency: input.currency,
    exchange_rate,
    low_balance_threshold: input.low_balance_threshold,
  };
  if (input.is_active !== undefined) wanted.is_active = input.is_active ? 1 : 0;
  const changes = Object.fromEntries(
    Object.entries(wanted).filter(
      ([k, v]) =>
        v !== undefined &&
        v !== (current as Record<string, unknown>)[k] &&
        !(typeof v === "number" && (current as Record<string, unknown>)[k] !== null && Number((current as Record<string, unknown>)[k]) === v),
    ),
  );
  if (Object.keys(changes).length > 0) {
    await withTransaction(ctx, async (tx) => {
      // A new threshold starts a new watch: the next read below it tells the admins again.
      const rewatch = "low_balance_threshold" in changes ? { balance_low: 0 } : {};
      await tx.db
        .updateTable("api_providers")
        .set({ ...changes, ...sealed(ctx, changes), ...rewatch, updated_at: dbNow(tx.clock) })
        .where("id", "=", id)
        .execute();
      await writeAudit(tx, { action: "providers.update", targetType: "provider", targetId: id, data: auditData(current, changes) });
    });
    if ("exchange_rate" in changes) await repriceServices(ctx, { providerId: id });
    if ("is_active" in changes || "currency" in changes) ctx.events.catalogChanged();
  }
  return getAdminProvider(ctx, id);
}

/** An admin adds a provider; its catalogue arrives with the next sync. */
export async function createAdminProvider(ctx: Ctx, input: ProviderCreate): Promise<AdminProvider> {
  const now = dbNow(ctx.clock);
  const exchange_rate = input.exchange_rate ?? defaultExchangeRate(await getSetting(ctx, "currency"), input.currency);
  const values = {
    name: input.name,
    url: input.url,
    api_key: input.key,
    currency: input.currency,
    exchange_rate,
    low_balance_threshold: input.low_balance_threshold ?? null,
    is_active: input.is_active ? 1 : 0,
  };
  const id = await withTransaction(ctx, async (tx) => {
    const res = await tx.db
      .insertInto("api_providers")
      .values({ ...values, api_key: sealProviderKey(ctx.config, values.api_key), code: null, created_at: now, updated_at: now })
      .executeTakeFirst();
    const id = Number(res.insertId);
    await writeAudit(tx, { action: "providers.create", targetType: "provider", targetId: id, data: auditData(null, values) });
    return id;
  });
  return getAdminProvider(ctx, id);
}
