import { sql } from "kysely";
import { likeContaining } from "../lib/sql-like.ts";
import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import { writeAudit } from "../audit/audit.ts";
import { Conflict, NotFound, Validation } from "../core/errors.ts";
import { withJobLock } from "../jobs/locks.ts";
import type { Progress } from "../jobs/scheduler.ts";
import { summaryLine, syncServices, syncServicesJob, type SyncSummary } from "./sync.ts";
import { offsetOf, pageOf, type Page } from "../core/pagination.ts";
import { dbNow } from "../lib/time.ts";
import { getSetting } from "../settings/service.ts";
import { listPricedServices, type PricedService } from "./prices.ts";
import { platformMarginBp, repriceServices } from "./reprice.ts";
import type { AdminServicesQuery, CategoryUpdate, PublicServicesQuery, ServiceBulkUpdate, ServiceUpdate } from "./schema.ts";

export interface PublicCatalogue extends Page<PricedService> {
  currency: string;
  categories: {
    id: number;
    name: string;
    name_fr: string | null;
    name_en: string | null;
    slug: string;
    platform: string;
    icon: string | null;
    services: number;
  }[];
}

/** The catalogue at the viewer's prices (their custom prices when signed in), one page of it. */
export async function listPublicServices(ctx: Ctx, q: PublicServicesQuery): Promise<PublicCatalogue> {
  const all = await listPricedServices(ctx, { search: q.search || undefined });
  const categoryRows = await ctx.db
    .selectFrom("categories")
    .select(["id", "name", "name_fr", "name_en", "slug", "platform", "icon"])
    .where("is_active", "=", 1)
    .orderBy("sort_order")
    .orderBy("name")
    .execute();
  const counts = new Map<number, number>();
  for (const s of all) counts.set(s.category_id, (counts.get(s.category_id) ?? 0) + 1);
  const categories = categoryRows.filter((c) => counts.has(c.id)).map((c) => ({ ...c, services: counts.get(c.id)! }));

  let rows = all;
  const category = q.category?.toLowerCase();
  if (category) {
    const wanted = categoryRows.find((c) => String(c.id) === category || c.slug === category);
    rows = wanted ? all.filter((s) => s.category_id === wanted.id) : [];
  }
  const start = offsetOf(q);
  return {
    rows: rows.slice(start, start + q.per_page),
    total: rows.length,
    page: q.page,
    per_page: q.per_page,
    currency: await getSetting(ctx, "currency"),
    categories,
  };
}

function adminServiceQuery(ctx: Ctx) {
  return ctx.db
    .selectFrom("services")
    .innerJoin("categories", "categories.id", "services.category_id")
    .leftJoin("api_providers", "api_providers.id", "services.provider_id");
}

const ADMIN_SERVICE_COLUMNS = [
  "services.id",
  "services.provider_id",
  "services.provider_service_id",
  "services.category_id",
  "services.name",
  "services.provider_name",
  "services.description",
  "services.name_fr",
  "services.name_en",
  "services.description_fr",
  "services.description_en",
  "services.type",
  "services.provider_rate",
  "services.base_rate",
  "services.rate",
  "services.margin_bp",
  "services.min",
  "services.max",
  "services.provider_min",
  "services.provider_max",
  "services.refill",
  "services.refill_days",
  "services.cancel",
  "services.dripfeed",
  "services.is_active",
  "services.provider_removed_at",
  "services.sort_order",
  "services.created_at",
  "services.updated_at",
  "categories.name as category_name",
  "categories.name_fr as category_name_fr",
  "categories.name_en as category_name_en",
  "categories.slug as category_slug",
  "api_providers.name as provider_label",
  "api_providers.currency as provider_currency",
] as const;

export type AdminService = Awaited<ReturnType<typeof getAdminService>> & { platform_margin_bp: number };

export async function getAdminService(ctx: Ctx, id: number) {
  const row = await adminServiceQuery(ctx).select(ADMIN_SERVICE_COLUMNS).where("services.id", "=", id).executeTakeFirst();
  if (!row) throw new NotFound("Service not found");
  return row;
}

export async function listAdminServices(ctx: Ctx, q: AdminServicesQuery): Promise<Page<AdminService>> {
  let base = adminServiceQuery(ctx);
  if (q.category_id) base = base.where("services.category_id", "=", q.category_id);
  if (q.provider_id) base = base.where("services.provider_id", "=", q.provider_id);
  if (q.is_active !== undefined) base = base.where("services.is_active", "=", q.is_active ? 1 : 0);
  if (q.type) base = base.where("services.type", "=", q.type);
  if (q.removed !== undefined) base = base.where("services.provider_removed_at", q.removed ? "is not" : "is", null);
  if (q.search) {
    const nameContains = likeContaining(q.search);
    base = base.where((eb) =>
      eb.or([
        nameContains("services.name"),
        nameContains("services.name_fr"),
        nameContains("services.name_en"),
        eb("services.provider_service_id", "=", q.search!),
      ]),
    );
  }
  const [total, rows, margin] = await Promise.all([
    base.select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow(),
    base
      .select(ADMIN_SERVICE_COLUMNS)
      .orderBy("categories.sort_order")
      .orderBy("services.category_id")
      .orderBy("services.sort_order")
      .orderBy("services.id")
      .limit(q.per_page)
      .offset(offsetOf(q))
      .execute(),
    platformMarginBp(ctx),
  ]);
  return pageOf(
    rows.map((r) => ({ ...r, platform_margin_bp: margin })),
    total.n,
    q,
  );
}

/** The service types in the catalogue, for the admins' filter. */
export async function adminServiceTypes(ctx: Ctx): Promise<string[]> {
  const rows = await ctx.db.selectFrom("services").select("type").distinct().orderBy("type").execute();
  return rows.map((r) => r.type);
}

/** An admin edits a service; a new margin re-prices it. Bounds stay inside the provider's. */
export async function updateAdminService(ctx: Ctx, id: number, input: ServiceUpdate): Promise<AdminService> {
  const current = await getAdminService(ctx, id);
  const min = input.min ?? current.min;
  const max = input.max ?? current.max;
  const errors: Record<string, string[]> = {};
  if (min > max) errors[input.min !== undefined ? "min" : "max"] = ["min must not exceed max"];
  if (current.provider_min !== null && input.min !== undefined && input.min < current.provider_min)
    errors.min = [`The provider accepts at least ${current.provider_min}`];
  if (current.provider_max !== null && input.max !== undefined && input.max > current.provider_max)
    errors.max = [`The provider accepts at most ${current.provider_max}`];
  if (input.is_active === true && current.provider_removed_at !== null) errors.is_active = ["The provider no longer offers this service"];
  if (input.category_id !== undefined && !(await ctx.db.selectFrom("categories").select("id").where("id", "=", input.category_id).executeTakeFirst()))
    errors.category_id = ["No such category"];
  if (Object.keys(errors).length) throw new Validation(errors);

  const changes: Record<string, unknown> = {};
  for (const key of ["name", "description", "name_fr", "name_en", "description_fr", "description_en", "category_id", "margin_bp", "min", "max"] as const) {
    if (input[key] !== undefined && input[key] !== current[key]) changes[key] = input[key];
  }
  if (input.is_active !== undefined && (input.is_active ? 1 : 0) !== Number(current.is_active)) changes.is_active = input.is_active ? 1 : 0;
  if (Object.keys(changes).length > 0) {
    await withTransaction(ctx, async (tx) => {
      await tx.db
        .updateTable("services")
        .set({ ...changes, updated_at: dbNow(tx.clock) })
        .where("id", "=", id)
        .execute();
      await writeAudit(tx, {
        action: "services.update",
        targetType: "service",
        targetId: id,
        data: { before: pick(current, Object.keys(changes)), after: changes },
      });
    });
    if ("margin_bp" in changes) await repriceServices(ctx, { serviceId: id });
    ctx.events.catalogChanged();
  }
  return { ...(await getAdminService(ctx, id)), platform_margin_bp: await platformMarginBp(ctx) };
}

/**
 * An admin switches several services on or off at once. A service its provider dropped cannot be
 * switched on: it is left as it is and counted as skipped.
 */
export async function setServicesActive(ctx: Ctx, input: ServiceBulkUpdate): Promise<{ updated: number; skipped: number }> {
  const ids = [...new Set(input.ids)];
  const rows = await ctx.db.selectFrom("services").select(["id", "is_active", "provider_removed_at"]).where("id", "in", ids).execute();
  if (rows.length !== ids.length) throw new Validation({ ids: ["Some of these services do not exist"] });
  const wanted = input.is_active ? 1 : 0;
  const allowed = rows.filter((r) => !(wanted === 1 && r.provider_removed_at !== null));
  const changing = allowed.filter((r) => Number(r.is_active) !== wanted).map((r) => r.id);
  if (changing.length > 0) {
    await withTransaction(ctx, async (tx) => {
      await tx.db
        .updateTable("services")
        .set({ is_active: wanted, updated_at: dbNow(tx.clock) })
        .where("id", "in", changing)
        .execute();
      await writeAudit(tx, { action: "services.bulk_update", targetType: "service", data: { ids: changing, is_active: Boolean(wanted) } });
    });
    ctx.events.catalogChanged();
  }
  return { updated: changing.length, skipped: rows.length - allowed.length };
}

function pick(row: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, row[k]]));
}

export interface AdminCategory {
  id: number;
  name: string;
  name_fr: string | null;
  name_en: string | null;
  slug: string;
  platform: string;
  description: string | null;
  icon: string | null;
  sort_order: number;
  is_active: number;
  services_count: number;
  active_services_count: number;
  created_at: string;
  updated_at: string;
}

export async function listAdminCategories(ctx: Ctx, categoryId?: number): Promise<AdminCategory[]> {
  let q = ctx.db
    .selectFrom("categories")
    .select([
      "categories.id",
      "categories.name",
      "categories.name_fr",
      "categories.name_en",
      "categories.slug",
      "categories.platform",
      "categories.description",
      "categories.icon",
      "categories.sort_order",
      "categories.is_active",
      "categories.created_at",
      "categories.updated_at",
    ])
    .select((eb) => [
      eb.selectFrom("services").select(sql<number>`count(*)`.as("n")).whereRef("services.category_id", "=", "categories.id").as("services_count"),
      eb
        .selectFrom("services")
        .select(sql<number>`count(*)`.as("n"))
        .whereRef("services.category_id", "=", "categories.id")
        .where("services.is_active", "=", 1)
        .as("active_services_count"),
    ]);
  if (categoryId !== undefined) q = q.where("categories.id", "=", categoryId);
  const rows = await q.orderBy("categories.sort_order").orderBy("categories.name").execute();
  return rows.map((r) => ({ ...r, services_count: Number(r.services_count), active_services_count: Number(r.active_services_count) }));
}

export async function updateAdminCategory(ctx: Ctx, id: number, input: CategoryUpdate): Promise<AdminCategory> {
  const [current] = await listAdminCategories(ctx, id);
  if (!current) throw new NotFound("Category not found");
  const changes: Record<string, unknown> = {};
  for (const key of ["name", "name_fr", "name_en", "description", "sort_order", "icon"] as const) {
    if (input[key] !== undefined && input[key] !== current[key]) changes[key] = input[key];
  }
  if (input.is_active !== undefined && (input.is_active ? 1 : 0) !== Number(current.is_active)) changes.is_active = input.is_active ? 1 : 0;
  if (Object.keys(changes).length > 0) {
    await withTransaction(ctx, async (tx) => {
      await tx.db
        .updateTable("categories")
        .set({ ...changes, updated_at: dbNow(tx.clock) })
        .where("id", "=", id)
        .execute();
      await writeAudit(tx, {
        action: "categories.update",
        targetType: "category",
        targetId: id,
        data: { before: pick(current as unknown as Record<string, unknown>, Object.keys(changes)), after: changes },
      });
    });
    ctx.events.catalogChanged();
  }
  return (await listAdminCategories(ctx, id))[0]!;
}

/** An admin runs the catalogue sync now, under the job's lock: 409 while another run holds it. */
export async function syncNow(ctx: Ctx, providerId?: number, progress?: Progress): Promise<SyncSummary> {
  const ran = await withJobLock(ctx, syncServicesJob.name, syncServicesJob.lockTtlMs ?? 15 * 60_000, () => syncServices(ctx, { providerId }, progress));
  if (!ran) throw new Conflict("A catalogue sync is already running", "sync_running");
  await writeAudit(ctx, {
    action: "services.sync",
    targetType: providerId ? "provider" : "catalogue",
    targetId: providerId,
    data: { summary: summaryLine(ran.result), errors: ran.result.errors },
  });
  return ran.result;
}
