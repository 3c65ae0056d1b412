import type { Ctx } from "../context.ts";
import { listPricedServices, type CategoryFields, type PricedService } from "../catalog/prices.ts";
import { pricedListed, tenantListing, warmIndex, type ListedService } from "../catalog/catalogue-index.ts";
import { categoryTextIn, serviceSearch, serviceTextIn } from "../catalog/category-names.ts";
import { orderCharge } from "../pricing/pricing.ts";
import { formatMoney } from "../money/money.ts";
import { dbNow, DAY } from "../lib/time.ts";
import type { VersionedCache } from "../tenancy/versioned-cache.ts";
import { displayMoney, displayNumber, displayRate } from "./format.ts";
import type { Lang } from "../i18n/lang.ts";
import type { CatalogueData, CategoryView, HomeData, ServiceCardView, ServiceData, Translate } from "./view-models.ts";
import { paginationView } from "./view.ts";
import { PLATFORM } from "../context.ts";
import { onPlatform } from "../tenancy/scoped.ts";

const CATALOGUE_PER_PAGE = 60;

/** Whose prices the storefront shows: a signed-in platform user's own (they may have custom prices), else the tenant's for anyone. */
function viewerCtx(ctx: Ctx): Ctx {
  return ctx.tenant.kind === "platform" && ctx.user ? ctx : { ...ctx, user: null };
}

/** The tenant's visible services at its prices (the same list for every anonymous visitor). */
export async function tenantServices(ctx: Ctx, cache: VersionedCache): Promise<PricedService[]> {
  // A signed-in platform user may have custom prices: never share their list.
  if (ctx.tenant.kind === "platform" && ctx.user) return listPricedServices(ctx);
  return cache.memo(`services:${cache.stamp(ctx.tenant)}`, () => listPricedServices(viewerCtx(ctx)));
}

/** The service's category as the page's language names and describes it ("Abonnés Instagram" / "Instagram Followers"), in the site's words on a site. */
function categoryText(s: CategoryFields, lang: Lang) {
  return categoryTextIn(lang, {
    name: s.category_name,
    name_fr: s.category_name_fr,
    name_en: s.category_name_en,
    description: s.category_description,
    description_fr: s.category_description_fr,
    description_en: s.category_description_en,
  });
}

export function categoryLabel(s: CategoryFields, lang: Lang): string {
  return categoryText(s, lang).name;
}

function categoryView(s: CategoryFields, lang: Lang, active: boolean): CategoryView {
  const text = categoryText(s, lang);
  return {
    slug: s.category_slug,
    name: text.name,
    description: text.description ?? "",
    featured: s.category_featured,
    platform: s.platform,
    count: 0,
    href: `/services?category=${encodeURIComponent(s.category_slug)}`,
    active,
  };
}

export function serviceCard(s: PricedService, currency: string, lang: Lang): ServiceCardView {
  const perPackage = s.type === "Package";
  const text = serviceTextIn(lang, s);
  return {
    id: s.id,
    name: text.name,
    description: text.description ?? "",
    categoryName: categoryLabel(s, lang),
    categorySlug: s.category_slug,
    platform: s.platform,
    type: s.type,
    // A package is charged its flat price (a whole minor unit); otherwise the price per 1000 keeps its decimals.
    price: perPackage ? displayMoney(orderCharge(s.rate, 1, currency, { type: s.type }), currency, lang) : displayRate(s.rate, currency, lang),
    rateDecimal: formatMoney(s.rate, 0),
    perPackage,
    min: s.min,
    max: s.max,
    minLabel: displayNumber(s.min, lang),
    maxLabel: displayNumber(s.max, lang),
    refill: s.refill,
    cancel: s.cancel,
    dripfeed: s.dripfeed,
    href: `/services/${s.id}`,
    orderHref: `/orders/new?service=${s.id}`,
  };
}

/** The categories of the services (each service's category fields), in order of first appearance, with their counts. */
function categoriesOf(services: CategoryFields[], active: string | null, lang: Lang): CategoryView[] {
  const byId = new Map<number, CategoryView>();
  for (const s of services) {
    const c = byId.get(s.category_id);
    if (c) c.count++;
    else byId.set(s.category_id, { ...categoryView(s, lang, s.category_slug === active), count: 1 });
  }
  return [...byId.values()];
}

/** Services ordered most on the platform over the last 30 days (cached), else the catalogue's first. */
async function popularIds(ctx: Ctx, cache: VersionedCache): Promise<number[]> {
  return cache.memo(`popular:${cache.stamp(PLATFORM)}`, async () => {
    // Every site's orders are fulfilled by a platform order: counting the platform's alone counts each once.
    const rows = await onPlatform(ctx.db)
      .selectFrom("orders")
      .select((eb) => ["service_id", eb.fn.countAll().as("n")])
      .where("created_at", ">=", dbNow(ctx.clock, -30 * DAY))
      .groupBy("service_id")
      .orderBy("n", "desc")
      .limit(50)
      .execute();
    return rows.map((r) => Number(r.service_id));
  });
}

/** The home page's model; `listed` replaces the tenant's own services (a theme demo's sample prices). */
export async function homeData(ctx: Ctx, cache: VersionedCache, currency: string, lang: Lang, listed?: PricedService[]): Promise<HomeData> {
  const services = listed ?? (await tenantServices(ctx, cache));
  const rank = new Map((await popularIds(ctx, cache)).map((id, i) => [id, i]));
  const popular = [...services]
    .sort((a, b) => (rank.get(a.id) ?? 1e6) - (rank.get(b.id) ?? 1e6))
    .slice(0, 6)
    .map((s) => serviceCard(s, currency, lang));
  // The site's featured categories come first (in the site's order), then the others.
  const all = categoriesOf(services, null, lang);
  const categories = [...all.filter((c) => c.featured), ...all.filter((c) => !c.featured)];
  return {
    categories,
    popular,
    stats: {
      services: displayNumber(services.length, lang),
      categories: displayNumber(categories.length, lang),
      platforms: displayNumber(new Set(services.map((s) => s.platform)).size, lang),
    },
  };
}

/** Where a catalogue page takes its services from: all of them priced (a search, a theme demo's list) or the tenant's listing, priced a page at a time. */
interface CatalogueSource {
  listed: ListedService[];
  matches: (s: ListedService) => boolean;
  priced: (page: ListedService[]) => Promise<PricedService[]>;
}

function pricedSource(all: PricedService[], q: string): CatalogueSource {
  const byId = new Map(all.map((s) => [s.id, s]));
  const search = serviceSearch(q);
  return {
    listed: all.map((s) => ({ id: s.id, category: s })),
    matches: (s) => search(byId.get(s.id)!),
    priced: async (page) => page.map((s) => byId.get(s.id)!),
  };
}

function listingSource(ctx: Ctx, listed: ListedService[]): CatalogueSource {
  return { listed, matches: () => true, priced: (page) => pricedListed(ctx, page) };
}

/** Before a catalogue page without a search is looked up or rendered: the reads it needs start now (see warmIndex). */
export function warmCatalogue(ctx: Ctx, query: { q?: string }): void {
  if (!(query.q ?? "").trim()) warmIndex(viewerCtx(ctx));
}

export async function catalogueData(
  ctx: Ctx,
  cache: VersionedCache,
  currency: string,
  lang: Lang,
  t: Translate,
  query: { q?: string; category?: string; page?: number },
  path: string,
  params: URLSearchParams,
  listed?: PricedService[],
): Promise<CatalogueData> {
  const q = (query.q ?? "").trim();
  // A search reads every service's names; a page without one prices only the services it shows.
  const source =
    listed || q ? pricedSource(listed ?? (await tenantServices(ctx, cache)), q) : listingSource(viewerCtx(ctx), await tenantListing(viewerCtx(ctx)));
  // An unknown (or now empty) category shows no results rather than everything.
  const category = query.category ?? null;
  const matching = source.listed.filter((s) => (!category || s.category.category_slug === category) && source.matches(s));
  const pages = Math.max(1, Math.ceil(matching.length / CATALOGUE_PER_PAGE));
  const page = Math.min(query.page ?? 1, pages);
  const slice = await source.priced(matching.slice((page - 1) * CATALOGUE_PER_PAGE, page * CATALOGUE_PER_PAGE));
  const groups: CatalogueData["groups"] = [];
  for (const s of slice) {
    let g = groups.at(-1);
    if (!g || g.category.slug !== s.category_slug) {
      g = { category: categoryView(s, lang, false), services: [] };
      groups.push(g);
    }
    g.category.count++;
    g.services.push(serviceCard(s, currency, lang));
  }
  return {
    q,
    category,
    categories: categoriesOf(
      source.listed.map((s) => s.category),
      category,
      lang,
    ),
    groups,
    total: matching.length,
    totalLabel: t(matching.length === 1 ? "catalogue.count_one" : "catalogue.count", { count: displayNumber(matching.length, lang) }),
    pagination: paginationView(page, pages, path, params),
  };
}

export async function serviceData(ctx: Ctx, cache: VersionedCache, id: number, currency: string, lang: Lang): Promise<ServiceData | null> {
  const s = (await tenantServices(ctx, cache)).find((x) => x.id === id);
  if (!s) return null;
  const quantities = s.type === "Package" ? [1] : [...new Set([s.min, 1000, 5000, 10000].filter((n) => n >= s.min && n <= s.max))].slice(0, 4);
  return {
    service: serviceCard(s, currency, lang),
    examples: quantities.map((n) => ({
      quantity: displayNumber(n, lang),
      price: displayMoney(orderCharge(s.rate, n, currency, { type: s.type }), currency, lang),
    })),
  };
}
