import type { Selectable } from "kysely";
import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import type { ApiProvidersTable, Service } from "../db/schema.ts";
import { AppError, NotFound } from "../core/errors.ts";
import type { JobDef, Progress } from "../jobs/scheduler.ts";
import { silentProgress } from "../jobs/scheduler.ts";
import { dbNow } from "../lib/time.ts";
import { providerClient, ProviderError, type ClientOptions, type ProviderService } from "../providers/client.ts";
import { readProviderBalance } from "../providers/balances.ts";
import { notSellingMessage } from "../providers/selling.ts";
import { isOrderableType } from "../providers/service-types.ts";
import { categorySortOrder, platformOf, slugify } from "./platforms.ts";
import { frenchCategoryName } from "./category-names.ts";
import { platformMarginBp, servicePrices } from "./reprice.ts";

type Provider = Selectable<ApiProvidersTable>;

interface SyncCounts {
  added: number;
  updated: number;
  deactivated: number;
  reactivated: number;
  unchanged: number;
}

/** A listed service we did not import: no price ("0.00") or one we cannot read. */
interface SkippedService {
  service: string;
  name: string;
  reason: "no_price" | "unreadable_price";
}

interface ProviderSync extends SyncCounts {
  provider_id: number;
  name: string;
  skipped: SkippedService[];
  /** Imported but hidden: types we cannot order, with how many services of each. */
  hidden_types: Record<string, number>;
  /** Why none of its services is sold (no exchange rate, currency mismatch), in one line; null when they are. */
  not_selling: string | null;
}

export interface SyncSummary extends SyncCounts {
  providers: ProviderSync[];
  errors: { provider_id: number; name: string; kind: string; message: string }[];
}

const zero = (): SyncCounts => ({ added: 0, updated: 0, deactivated: 0, reactivated: 0, unchanged: 0 });

export function summaryLine(c: SyncCounts): string {
  return `added ${c.added}, updated ${c.updated}, deactivated ${c.deactivated}, reactivated ${c.reactivated}, unchanged ${c.unchanged}`;
}

/**
 * Imports the catalogue of every active provider (or of one): upserts categories and services,
 * prices them, deactivates what a provider dropped and re-activates what comes back. Services are
 * never deleted: orders point to them. Throws (503) only when every provider it tried failed.
 */
export async function syncServices(
  ctx: Ctx,
  opts: { providerId?: number; client?: ClientOptions } = {},
  progress: Progress = silentProgress,
): Promise<SyncSummary> {
  let q = ctx.db.selectFrom("api_providers").selectAll().orderBy("id");
  q = opts.providerId !== undefined ? q.where("id", "=", opts.providerId) : q.where("is_active", "=", 1);
  const providers = await q.execute();
  if (opts.providerId !== undefined && providers.length === 0) throw new NotFound("Provider not found");

  const summary: SyncSummary = { ...zero(), providers: [], errors: [] };
  for (const provider of providers) {
    try {
      const counts = await syncProvider(ctx, provider, opts.client ?? {}, progress);
      summary.providers.push(counts);
      for (const k of Object.keys(zero()) as (keyof SyncCounts)[]) summary[k] += counts[k];
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const kind = err instanceof ProviderError ? err.kind : "error";
      summary.errors.push({ provider_id: provider.id, name: provider.name, kind, message });
      await ctx.db
        .updateTable("api_providers")
        .set({ last_error: `sync: ${message}`.slice(0, 500), updated_at: dbNow(ctx.clock) })
        .where("id", "=", provider.id)
        .execute();
      ctx.logger.warn("catalogue sync failed", { provider_id: provider.id, kind, error: message });
      if (!(err instanceof ProviderError)) throw err;
    }
  }
  if (providers.length > 0 && summary.errors.length === providers.length) {
    throw new AppError(503, "provider_unavailable", `Catalogue sync failed: ${summary.errors.map((e) => `${e.name}: ${e.message}`).join("; ")}`, {
      providers: summary.errors,
    });
  }
  return summary;
}

async function syncProvider(ctx: Ctx, provider: Provider, clientOpts: ClientOptions, progress: Progress): Promise<ProviderSync> {
  const client = providerClient(ctx, { id: provider.id, url: provider.url, apiKey: provider.api_key }, clientOpts);
  const listed = await client.services();
  const offered = listed.filter((o): o is ProviderService & { rate: number } => o.rate !== null && o.rate > 0);
  const skipped: SkippedService[] = listed
    .filter((o) => o.rate === null || o.rate <= 0)
    .map((o) => ({ service: o.service, name: o.name, reason: o.rate === null ? "unreadable_price" : "no_price" }));
  const hidden_types: Record<string, number> = {};
  for (const o of offered) if (!isOrderableType(o.type)) hidden_types[o.type] = (hidden_types[o.type] ?? 0) + 1;
  const existing = await ctx.db.selectFrom("services").selectAll().where("provider_id", "=", provider.id).execute();
  if (offered.length === 0 && existing.some((s) => s.provider_removed_at === null)) {
    // A glitching panel must not take the whole catalogue down with it.
    throw new ProviderError("unknown", "services", "The provider listed no services; nothing was deactivated");
  }
  const margin = await platformMarginBp(ctx);
  const counts = zero();
  progress.start(`Syncing ${provider.name}`, offered.length);

  await withTransaction(ctx, async (tx) => {
    const now = dbNow(tx.clock);
    const byProviderId = new Map(existing.map((s) => [s.provider_service_id, s]));
    const categories = new Map((await tx.db.selectFrom("categories").select(["id", "slug"]).execute()).map((c) => [c.slug, c.id]));
    let newCategories = 0;

    const categoryId = async (name: string): Promise<number> => {
      const slug = slugify(name);
      const found = categories.get(slug);
      if (found !== undefined) return found;
      const platform = platformOf(name);
      const res = await tx.db
        .insertInto("categories")
        .values({
          name,
          name_fr: frenchCategoryName(name),
          slug,
          platform,
          sort_order: categorySortOrder(platform, newCategories++),
          is_active: 1,
          created_at: now,
          updated_at: now,
        })
        .executeTakeFirst();
      const id = Number(res.insertId);
      categories.set(slug, id);
      return id;
    };

    for (const [position, offer] of offered.entries()) {
      const category_id = await categoryId(offer.category);
      const current = byProviderId.get(offer.service);
      const prices = servicePrices(offer.rate, Number(provider.exchange_rate), margin, current?.margin_bp ?? null);
      if (!current) {
        await tx.db
          .insertInto("services")
          .values({
            provider_id: provider.id,
            provider_service_id: offer.service,
            category_id,
            name: offer.name,
            provider_name: offer.name,
            description: offer.description,
            type: offer.type,
            provider_rate: offer.rate,
            ...prices,
            margin_bp: null,
            min: offer.min,
            max: offer.max,
            provider_min: offer.min,
            provider_max: offer.max,
            refill: offer.refill ? 1 : 0,
            cancel: offer.cancel ? 1 : 0,
            dripfeed: offer.dripfeed ? 1 : 0,
            is_active: 1,
            provider_removed_at: null,
            sort_order: position,
            created_at: now,
            updated_at: now,
          })
          .execute();
        counts.added++;
      } else {
        const patch = servicePatch(current, offer, category_id, prices, position);
        const comesBack = current.provider_removed_at !== null;
        if (comesBack) Object.assign(patch, { is_active: 1, provider_removed_at: null });
        if (Object.keys(patch).length > 0)
          await tx.db
            .updateTable("services")
            .set({ ...patch, updated_at: now })
            .where("id", "=", current.id)
            .execute();
        if (comesBack) counts.reactivated++;
        else if (Object.keys(patch).length > 0) counts.updated++;
        else counts.unchanged++;
      }
      progress.tick();
    }

    const offeredIds = new Set(offered.map((o) => o.service));
    const dropped = existing.filter((s) => s.provider_removed_at === null && !offeredIds.has(s.provider_service_id)).map((s) => s.id);
    for (let i = 0; i < dropped.length; i += 500) {
      await tx.db
        .updateTable("services")
        .set({ is_active: 0, provider_removed_at: now, updated_at: now })
        .where("id", "in", dropped.slice(i, i + 500))
        .execute();
    }
    counts.deactivated = dropped.length;
    await tx.db.updateTable("api_providers").set({ last_sync_at: now, last_error: null, updated_at: now }).where("id", "=", provider.id).execute();
  });

  await readProviderBalance(ctx, provider, client);
  if (counts.added + counts.updated + counts.deactivated + counts.reactivated > 0) ctx.events.catalogChanged();
  const after = await ctx.db.selectFrom("api_providers").selectAll().where("id", "=", provider.id).executeTakeFirstOrThrow();
  const not_selling = notSellingMessage(after);
  if (not_selling) ctx.logger.warn(not_selling, { provider_id: provider.id });
  const notes = [
    skipped.length
      ? `skipped ${skipped.length} without a price (${skipped
          .slice(0, 5)
          .map((k) => `${k.service} "${k.name}"`)
          .join(", ")}${skipped.length > 5 ? ", …" : ""})`
      : "",
    Object.keys(hidden_types).length
      ? `hidden, cannot be ordered: ${Object.entries(hidden_types)
          .map(([t, n]) => `${t} ×${n}`)
          .join(", ")}`
      : "",
    not_selling ?? "",
  ].filter(Boolean);
  progress.done(`${provider.name}: ${summaryLine(counts)}${notes.length ? `; ${notes.join("; ")}` : ""}`);
  return { provider_id: provider.id, name: provider.name, ...counts, skipped, hidden_types, not_selling };
}

/** What changed in a known service; the admin's own name and narrower bounds are kept. */
function servicePatch(
  current: Service,
  offer: ProviderService & { rate: number },
  categoryId: number,
  prices: { base_rate: number; rate: number },
  position: number,
) {
  const patch: Partial<Record<keyof Service, unknown>> = {};
  const set = <K extends keyof Service>(key: K, value: Service[K]) => {
    if (current[key] !== value && !(typeof value === "number" && Number(current[key]) === value)) patch[key] = value;
  };
  const renamedByAdmin = current.provider_name !== null && current.name !== current.provider_name;
  if (!renamedByAdmin) set("name", offer.name);
  set("provider_name", offer.name);
  set("category_id", categoryId);
  set("type", offer.type);
  set("provider_rate", offer.rate);
  set("base_rate", prices.base_rate);
  set("rate", prices.rate);
  set("refill", offer.refill ? 1 : 0);
  set("cancel", offer.cancel ? 1 : 0);
  set("dripfeed", offer.dripfeed ? 1 : 0);
  set("sort_order", position);
  const bounds = boundsWithin(current, offer);
  set("min", bounds.min);
  set("max", bounds.max);
  set("provider_min", offer.min);
  set("provider_max", offer.max);
  return patch as Record<string, unknown>;
}

/** Keeps bounds an admin narrowed (inside the provider's new ones); follows the provider otherwise. */
function boundsWithin(current: Pick<Service, "min" | "max" | "provider_min" | "provider_max">, offer: { min: number; max: number }) {
  const clamp = (n: number) => Math.min(offer.max, Math.max(offer.min, n));
  const min = current.provider_min === null || current.min === current.provider_min ? offer.min : clamp(current.min);
  const max = current.provider_max === null || current.max === current.provider_max ? offer.max : clamp(current.max);
  return min <= max ? { min, max } : { min: offer.min, max: offer.max };
}

/** `smm:sync-services`: hourly, and from the CLI with a progress bar and a summary line. */
export const syncServicesJob: JobDef = {
  name: "smm:sync-services",
  description: "import the providers' catalogues (categories, services, prices)",
  schedule: "7 * * * *",
  lockTtlMs: 15 * 60_000,
  run: (ctx, progress) => syncServices(ctx, {}, progress),
};
