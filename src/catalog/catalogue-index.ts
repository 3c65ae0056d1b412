import { sql } from "kysely";
import { appSlot, type Ctx } from "../context.ts";
import {
  cachedRules,
  categoryFields,
  hiddenOnSite,
  listableService,
  LISTING_TTL_MS,
  loadRowsById,
  priceRows,
  tenantPrices,
  type CatalogRow,
  type CategoryFields,
  type PricedService,
  type SiteRules,
} from "./prices.ts";
import { providerSells } from "../providers/selling.ts";
import { inSiteOrder, NO_SITE_WORDS } from "./site-words.ts";

/**
 * The catalogue one page at a time. A catalogue page shows 60 services but counts every one of them
 * (per category, in all): after a catalogue change, reading, pricing and wording all 5,000 rows
 * before the first page costs more than the page. So the index holds only what order, visibility and
 * counts need (a service's id and category; the categories in full), shared by every tenant; each
 * tenant's listing is derived from it under the tenant's rules; the rows a page shows are read when
 * a page first shows them (shared by every tenant too) and priced for the request by `priceRows`,
 * the same pricing as the whole list's. Dropped with the listings (catalogChanged, allChanged, TTL).
 */

interface IndexedService {
  id: number;
  category_id: number;
  platform: string;
}

/** A service of a tenant's listing: which one, and its category as the tenant shows it. */
export interface ListedService {
  id: number;
  category: CategoryFields;
}

/** Tenants whose listing is kept at once (each a few hundred KB at 5,000 services); beyond, they are derived again. */
const MAX_LISTINGS = 200;

interface CatalogueIndex {
  /** Every listed service, in the catalogue's order (loadRows' order). */
  services: IndexedService[];
  categories: Map<number, Omit<CategoryFields, "category_description_fr" | "category_description_en" | "category_featured">>;
  /** The full rows read so far for pages, by service id, shared by every tenant. */
  rows: Map<number, CatalogRow>;
  /** Each tenant's listing over this index, with the rules object it was made under. */
  listings: Map<number, { rules: SiteRules | null; value: ListedService[] }>;
}

const INDEX = appSlot("catalogue index", ({ events }) => {
  const slot: { index?: { at: number; value: Promise<CatalogueIndex> } } = {};
  events.onCatalogChanged(() => (slot.index = undefined));
  events.onAllChanged(() => (slot.index = undefined));
  return slot;
});

async function loadIndex(ctx: Ctx): Promise<CatalogueIndex> {
  // The listing's rule (prices.ts, listedServices) in three plain reads: a join over every service costs
  // MariaDB several times a scan of the services table.
  const [services, categories, providers] = await Promise.all([
    ctx.db.selectFrom("services").select(["id", "category_id", "sort_order", "provider_id"]).where(listableService).execute(),
    // The categories' place by the database's own order of (sort_order, name), collation included:
    // equal places interleave their services by sort_order and id, as loadRows' ORDER BY does.
    ctx.db
      .selectFrom("categories")
      .select(["id", "name", "name_fr", "name_en", "slug", "description", "platform"])
      .select(sql<number>`dense_rank() over (order by ${sql.ref("sort_order")}, ${sql.ref("name")})`.as("place"))
      .where("is_active", "=", 1)
      .execute(),
    ctx.db
      .selectFrom("api_providers")
      .select(["id", sql<number>`case when ${providerSells} then 1 else 0 end`.as("sells")])
      .execute(),
  ]);
  const sells = new Map(providers.map((p) => [p.id, Number(p.sells) === 1]));
  const byId = new Map(
    categories.map((c) => [
      c.id,
      {
        category_id: c.id,
        category_name: c.name,
        category_name_fr: c.name_fr,
        category_name_en: c.name_en,
        category_slug: c.slug,
        category_description: c.description,
        platform: c.platform,
      },
    ]),
  );
  const place = new Map(categories.map((c) => [c.id, Number(c.place)]));
  // Copied once into plain objects: the driver's rows are slow to read field by field, and the sort reads them often.
  const listed: (IndexedService & { place: number; sort_order: number })[] = [];
  for (const s of services) {
    const at = place.get(s.category_id);
    // A service of no known provider is listed, as the listing's left join lists it.
    if (at !== undefined && sells.get(s.provider_id) !== false)
      listed.push({ id: s.id, category_id: s.category_id, platform: byId.get(s.category_id)!.platform, place: at, sort_order: s.sort_order });
  }
  listed.sort((a, b) => a.place - b.place || a.sort_order - b.sort_order || a.id - b.id);
  return {
    services: listed.map(({ id, category_id, platform }) => ({ id, category_id, platform })),
    categories: byId,
    rows: new Map(),
    listings: new Map(),
  };
}

function cachedIndex(ctx: Ctx): Promise<CatalogueIndex> {
  const slot = ctx.state.get(INDEX);
  const now = Date.now();
  if (!slot.index || now - slot.index.at > LISTING_TTL_MS) {
    const value = loadIndex(ctx);
    value.catch(() => (slot.index = undefined));
    slot.index = { at: now, value };
  }
  return slot.index.value;
}

/**
 * Starts reading the index and the payer's prices when a change dropped the index, before the page's
 * look is read: after a catalogue change a fresh page then waits for one round of reads, not two.
 * Nothing is read while the index is kept.
 */
export function warmIndex(ctx: Ctx): void {
  if (ctx.state.get(INDEX).index) return;
  void Promise.all([cachedIndex(ctx), tenantPrices(ctx)]).catch(() => undefined);
}

/** The services the request's tenant lists, in its order (a site's: its hidden ones out, its order of categories), with their categories in its words. */
export async function tenantListing(ctx: Ctx): Promise<ListedService[]> {
  const [index, rules] = await Promise.all([cachedIndex(ctx), ctx.tenant.kind === "site" ? cachedRules(ctx, ctx.tenant.siteId) : null]);
  const hit = index.listings.get(ctx.tenant.siteId);
  if (hit && hit.rules === rules) return hit.value;
  const words = rules?.words ?? NO_SITE_WORDS;
  const categories = new Map([...index.categories].map(([id, c]) => [id, categoryFields(c, words)]));
  const visible = rules ? index.services.filter((s) => !hiddenOnSite(s, rules)) : index.services;
  const value = inSiteOrder(visible, words).map((s) => ({ id: s.id, category: categories.get(s.category_id)! }));
  if (index.listings.size >= MAX_LISTINGS) index.listings.clear();
  index.listings.set(ctx.tenant.siteId, { rules, value });
  return value;
}

/** Some services of the tenant's listing at the request's prices, in the listing's order: the rows not read yet are read in one query. */
export async function pricedListed(ctx: Ctx, listed: ListedService[]): Promise<PricedService[]> {
  const index = await cachedIndex(ctx);
  const missing = listed.filter((s) => !index.rows.has(s.id)).map((s) => s.id);
  const rows = (async () => {
    if (missing.length) for (const row of await loadRowsById(ctx, missing)) index.rows.set(row.id, row);
    return listed.flatMap((s) => index.rows.get(s.id) ?? []);
  })();
  const byId = new Map((await priceRows(ctx, rows)).map((s) => [s.id, s]));
  return listed.flatMap((s) => byId.get(s.id) ?? []);
}
