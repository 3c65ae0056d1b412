import { sql } from "kysely";
import type { Ctx, Tenant } from "../context.ts";
import { withTransaction } from "../context.ts";
import { writeAudit } from "../audit/audit.ts";
import { NotFound } from "../core/errors.ts";
import type { Site } from "../db/schema.ts";
import { dbNow } from "../lib/time.ts";
import { ORDERABLE_TYPES } from "../providers/service-types.ts";
import { serviceSearch } from "../catalog/category-names.ts";
import { inSiteOrder, loadSiteWords, type SiteTexts } from "../catalog/site-words.ts";
import { inTenant } from "../tenancy/scoped.ts";
import type { CategoryInput, ServiceTextsInput } from "./schema.ts";

/**
 * A reseller's catalogue in its site's own words: rename and describe services and categories in
 * both languages, order and feature categories, hide whole platforms. Every verb takes the site's
 * ctx (`siteTenantCtx`, the owner acting for the site); each change is audited, bumps the site's
 * content version and is announced (`siteChanged`) so that the site's cached pages and catalogue
 * refresh. The storefront reads it all through `src/catalog/site-words.ts`.
 */

const TEXT_KEYS = ["name_fr", "name_en", "description_fr", "description_en"] as const;
const EMPTY_TEXTS: SiteTexts = { name_fr: null, name_en: null, description_fr: null, description_en: null };

function siteOf(ctx: Ctx): Site {
  const tenant: Tenant = ctx.tenant;
  if (tenant.kind !== "site") throw new NotFound("Site not found");
  return tenant.site;
}

/** Inside the change's transaction, first: taking the site row serialises concurrent changes of one site's catalogue. */
async function bumpSite(tx: Ctx, site: Site): Promise<void> {
  await tx.db
    .updateTable("white_label_sites")
    .set({ content_version: sql`content_version + 1`, updated_at: dbNow(tx.clock) })
    .where("id", "=", site.id)
    .execute();
}

/** The platform's categories a site may show: active, with at least one active service of a type we sell. */
async function platformCategories(ctx: Ctx) {
  return ctx.db
    .selectFrom("categories")
    .select(["categories.id", "categories.name", "categories.name_fr", "categories.name_en", "categories.description", "categories.platform"])
    .select((eb) =>
      eb
        .selectFrom("services")
        .select(sql<number>`count(*)`.as("n"))
        .whereRef("services.category_id", "=", "categories.id")
        .where("services.is_active", "=", 1)
        .where("services.type", "in", ORDERABLE_TYPES)
        .as("services"),
    )
    .where("categories.is_active", "=", 1)
    .orderBy("categories.sort_order")
    .orderBy("categories.name")
    .execute()
    .then((rows) => rows.map((r) => ({ ...r, category_id: r.id, services: Number(r.services) })).filter((r) => r.services > 0));
}

interface SiteCategoryEntry {
  id: number;
  /** The platform's texts (as imported, and in each language where the platform wrote one). */
  platform_texts: { name: string; name_fr: string | null; name_en: string | null; description: string | null };
  /** The site's own texts: null shows the platform's. */
  texts: SiteTexts;
  platform: string;
  featured: boolean;
  /** 1-based place on the site. */
  position: number;
  services: number;
  /** Its platform is hidden on the site: none of its services are listed. */
  platform_hidden: boolean;
}

interface SitePlatformEntry {
  platform: string;
  categories: number;
  hidden: boolean;
}

/** The site's categories in its order, with its texts and marks, and the platforms with their hidden state. */
export async function siteCatalogue(ctx: Ctx): Promise<{ categories: SiteCategoryEntry[]; platforms: SitePlatformEntry[] }> {
  const site = siteOf(ctx);
  const [rows, words] = await Promise.all([platformCategories(ctx), loadSiteWords(ctx.db, site.id)]);
  const categories = inSiteOrder(rows, words).map((r, i): SiteCategoryEntry => {
    const mine = words.categories.get(r.id);
    return {
      id: r.id,
      platform_texts: { name: r.name, name_fr: r.name_fr, name_en: r.name_en, description: r.description },
      texts: mine ? { name_fr: mine.name_fr, name_en: mine.name_en, description_fr: mine.description_fr, description_en: mine.description_en } : EMPTY_TEXTS,
      platform: r.platform,
      featured: mine?.featured ?? false,
      position: i + 1,
      services: r.services,
      platform_hidden: words.hiddenPlatforms.has(r.platform),
    };
  });
  const platforms = new Map<string, SitePlatformEntry>();
  for (const c of categories) {
    const p = platforms.get(c.platform) ?? { platform: c.platform, categories: 0, hidden: c.platform_hidden };
    p.categories++;
    platforms.set(c.platform, p);
  }
  return { categories, platforms: [...platforms.values()] };
}

/** One of the site's categories; one that is not active with services is a 404. */
export async function siteCategory(ctx: Ctx, categoryId: number): Promise<SiteCategoryEntry> {
  const found = (await siteCatalogue(ctx)).categories.find((c) => c.id === categoryId);
  if (!found) throw new NotFound("Category not found");
  return found;
}

interface SiteServiceEntry {
  id: number;
  category_id: number;
  platform: string;
  type: string;
  platform_texts: {
    name: string;
    name_fr: string | null;
    name_en: string | null;
    description: string | null;
    description_fr: string | null;
    description_en: string | null;
  };
  category_texts: { name: string; name_fr: string | null; name_en: string | null };
  texts: SiteTexts;
}

function activeServices(ctx: Ctx) {
  return ctx.db
    .selectFrom("services")
    .innerJoin("categories", "categories.id", "services.category_id")
    .select([
      "services.id",
      "services.category_id",
      "services.type",
      "services.name",
      "services.name_fr",
      "services.name_en",
      "services.description",
      "services.description_fr",
      "services.description_en",
      "categories.platform",
      "categories.name as category_name",
      "categories.name_fr as category_name_fr",
      "categories.name_en as category_name_en",
    ])
    .where("services.is_active", "=", 1)
    .where("categories.is_active", "=", 1)
    .where("services.type", "in", ORDERABLE_TYPES);
}

type ServiceRow = Awaited<ReturnType<ReturnType<typeof activeServices>["execute"]>>[number];

function serviceEntry(r: ServiceRow, texts: SiteTexts | undefined): SiteServiceEntry {
  return {
    id: r.id,
    category_id: r.category_id,
    platform: r.platform,
    type: r.type,
    platform_texts: {
      name: r.name,
      name_fr: r.name_fr,
      name_en: r.name_en,
      description: r.description,
      description_fr: r.description_fr,
      description_en: r.description_en,
    },
    category_texts: { name: r.category_name, name_fr: r.category_name_fr, name_en: r.category_name_en },
    texts: texts ?? EMPTY_TEXTS,
  };
}

/**
 * The services a site may word, found by every word of `search` in their platform or site names in
 * either language, or by number; in the platform's order, a page of `perPage`.
 */
export async function searchSiteServices(ctx: Ctx, opts: { search?: string; page?: number; perPage?: number }) {
  const site = siteOf(ctx);
  const perPage = opts.perPage ?? 20;
  const [rows, words] = await Promise.all([
    activeServices(ctx).orderBy("categories.sort_order").orderBy("categories.name").orderBy("services.sort_order").orderBy("services.id").execute(),
    loadSiteWords(ctx.db, site.id),
  ]);
  const search = opts.search?.trim() ?? "";
  const byNumber = /^#?\d{1,12}$/.test(search) ? Number(search.replace("#", "")) : null;
  const matches = serviceSearch(search);
  const found = rows.filter((r) => {
    if (byNumber !== null) return r.id === byNumber;
    const own = words.services.get(r.id);
    return matches({
      name: `${r.name} ${own?.name_fr ?? ""} ${own?.name_en ?? ""}`,
      name_fr: r.name_fr,
      name_en: r.name_en,
      category_name: r.category_name,
      category_name_fr: r.category_name_fr,
      category_name_en: r.category_name_en,
    });
  });
  const pages = Math.max(1, Math.ceil(found.length / perPage));
  const page = Math.min(Math.max(1, opts.page ?? 1), pages);
  return {
    rows: found.slice((page - 1) * perPage, page * perPage).map((r) => serviceEntry(r, words.services.get(r.id))),
    total: found.length,
    page,
    per_page: perPage,
  };
}

/** One service as the site words it; a service that is not on sale is a 404. */
export async function siteService(ctx: Ctx, serviceId: number): Promise<SiteServiceEntry> {
  siteOf(ctx);
  const row = await activeServices(ctx).where("services.id", "=", serviceId).executeTakeFirst();
  if (!row) throw new NotFound("Service not found");
  const own = await inTenant(ctx).selectFrom("site_service_texts").select(TEXT_KEYS).where("service_id", "=", serviceId).executeTakeFirst();
  return serviceEntry(row, own);
}

function changedTexts(current: SiteTexts, input: Partial<Record<(typeof TEXT_KEYS)[number], string | null | undefined>>): SiteTexts {
  const next = { ...current };
  for (const key of TEXT_KEYS) if (input[key] !== undefined) next[key] = input[key] ?? null;
  return next;
}

const isEmpty = (t: SiteTexts) => TEXT_KEYS.every((k) => t[k] === null);

/** Sets the service's texts on the site (a field left out is kept; null shows the platform's again). */
export async function setServiceTexts(ctx: Ctx, serviceId: number, input: ServiceTextsInput): Promise<SiteServiceEntry> {
  const site = siteOf(ctx);
  const current = await siteService(ctx, serviceId);
  const next = changedTexts(current.texts, input);
  await withTransaction(ctx, async (tx) => {
    await bumpSite(tx, site);
    const now = dbNow(tx.clock);
    const own = inTenant(tx);
    if (isEmpty(next)) await own.deleteFrom("site_service_texts").where("service_id", "=", serviceId).execute();
    else {
      const updated = await own
        .updateTable("site_service_texts")
        .set({ ...next, updated_at: now })
        .where("service_id", "=", serviceId)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0)
        await own.insertInto("site_service_texts", { service_id: serviceId, ...next, created_at: now, updated_at: now }).execute();
    }
    await writeAudit(tx, { action: "site_catalogue.service_texts", targetType: "service", targetId: serviceId, data: { before: current.texts, after: next } });
  });
  ctx.events.siteChanged(site.id);
  return siteService(ctx, serviceId);
}

/** The service shows the platform's texts again on the site. */
export async function clearServiceTexts(ctx: Ctx, serviceId: number): Promise<SiteServiceEntry> {
  return setServiceTexts(ctx, serviceId, { name_fr: null, name_en: null, description_fr: null, description_en: null });
}

type CategoryState = SiteTexts & { position: number | null; featured: boolean };

/** Writes one category's row on the site (removed when it says nothing); inside the caller's transaction. */
async function writeCategory(tx: Ctx, categoryId: number, state: CategoryState): Promise<void> {
  const own = inTenant(tx);
  if (isEmpty(state) && state.position === null && !state.featured) {
    await own.deleteFrom("site_categories").where("category_id", "=", categoryId).execute();
    return;
  }
  const now = dbNow(tx.clock);
  const values = { ...state, featured: state.featured ? 1 : 0, updated_at: now };
  const updated = await own.updateTable("site_categories").set(values).where("category_id", "=", categoryId).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) await own.insertInto("site_categories", { category_id: categoryId, ...values, created_at: now }).execute();
}

async function storedCategory(ctx: Ctx, categoryId: number): Promise<CategoryState> {
  const row = await inTenant(ctx)
    .selectFrom("site_categories")
    .select([...TEXT_KEYS, "position", "featured"])
    .where("category_id", "=", categoryId)
    .executeTakeFirst();
  return row ? { ...row, featured: Boolean(row.featured) } : { ...EMPTY_TEXTS, position: null, featured: false };
}

/** Sets a category's texts and featured mark on the site (a field left out is kept). */
export async function updateSiteCategory(ctx: Ctx, categoryId: number, input: CategoryInput): Promise<SiteCategoryEntry> {
  const site = siteOf(ctx);
  await siteCategory(ctx, categoryId);
  await withTransaction(ctx, async (tx) => {
    await bumpSite(tx, site);
    const current = await storedCategory(tx, categoryId);
    const next: CategoryState = { ...changedTexts(current, input), position: current.position, featured: input.featured ?? current.featured };
    await writeCategory(tx, categoryId, next);
    await writeAudit(tx, {
      action: "site_catalogue.category",
      targetType: "category",
      targetId: categoryId,
      data: { before: { ...pickTexts(current), featured: current.featured }, after: { ...pickTexts(next), featured: next.featured } },
    });
  });
  ctx.events.siteChanged(site.id);
  return siteCategory(ctx, categoryId);
}

function pickTexts(s: SiteTexts): SiteTexts {
  return { name_fr: s.name_fr, name_en: s.name_en, description_fr: s.description_fr, description_en: s.description_en };
}

/**
 * Moves a category one place up or down on the site. The first move writes every category's place
 * (10, 20, 30…) so the order is the site's from then on; categories the platform adds later come
 * after them. At the top (or bottom) already: nothing changes.
 */
export async function moveSiteCategory(ctx: Ctx, categoryId: number, direction: "up" | "down"): Promise<SiteCategoryEntry[]> {
  const site = siteOf(ctx);
  await withTransaction(ctx, async (tx) => {
    await bumpSite(tx, site);
    const order = (await siteCatalogue(tx)).categories;
    const at = order.findIndex((c) => c.id === categoryId);
    if (at === -1) throw new NotFound("Category not found");
    const to = direction === "up" ? at - 1 : at + 1;
    if (to < 0 || to >= order.length) return;
    const ids = order.map((c) => c.id);
    [ids[at], ids[to]] = [ids[to]!, ids[at]!];
    const stored = new Map((await inTenant(tx).selectFrom("site_categories").select("category_id").execute()).map((r) => [r.category_id, true]));
    for (const [i, id] of ids.entries()) {
      const current = stored.has(id) ? await storedCategory(tx, id) : { ...EMPTY_TEXTS, position: null, featured: false };
      if (current.position === (i + 1) * 10) continue;
      await writeCategory(tx, id, { ...current, position: (i + 1) * 10 });
    }
    await writeAudit(tx, {
      action: "site_catalogue.category_move",
      targetType: "category",
      targetId: categoryId,
      data: { direction, from: at + 1, to: to + 1 },
    });
  });
  ctx.events.siteChanged(site.id);
  return (await siteCatalogue(ctx)).categories;
}

/** Hides a whole platform on the site (none of its services are listed or can be ordered there), or shows it again. */
export async function setPlatformHidden(ctx: Ctx, platform: string, hidden: boolean): Promise<SitePlatformEntry> {
  const site = siteOf(ctx);
  const known = (await siteCatalogue(ctx)).platforms.find((p) => p.platform === platform);
  if (!known) throw new NotFound("Platform not found");
  if (known.hidden === hidden) return known;
  await withTransaction(ctx, async (tx) => {
    await bumpSite(tx, site);
    // Read again after taking the site row: a concurrent request may have done it already.
    const own = inTenant(tx);
    const stored = await own.selectFrom("site_hidden_platforms").select("id").where("platform", "=", platform).executeTakeFirst();
    if (hidden && !stored) {
      const now = dbNow(tx.clock);
      await own.insertInto("site_hidden_platforms", { platform, created_at: now, updated_at: now }).execute();
    } else if (!hidden && stored) await own.deleteFrom("site_hidden_platforms").where("platform", "=", platform).execute();
    await writeAudit(tx, { action: hidden ? "site_catalogue.platform_hide" : "site_catalogue.platform_show", targetType: "platform", targetId: platform });
  });
  ctx.events.siteChanged(site.id);
  return { ...known, hidden };
}
