import { createHash } from "node:crypto";
import { appSlot, type Ctx } from "../context.ts";
import type { ExpressionBuilder } from "kysely";
import { prepared } from "../db/prepared.ts";
import type { Database } from "../db/schema.ts";
import type { Site } from "../db/schema.ts";
import { fromPlatform, PAR, type RateMicro } from "../money/exchange.ts";
import { siteExchange, tenantExchange } from "../settings/exchange.ts";
import { isHiddenOnSite, pricingLevel, siteRate, userRate, type SiteRule } from "../pricing/pricing.ts";
import { ORDERABLE_TYPES } from "../providers/service-types.ts";
import { providerSells } from "../providers/selling.ts";
import { forTenant } from "../tenancy/scoped.ts";
import { serviceSearch } from "./category-names.ts";
import { inSiteOrder, loadSiteWords, NO_SITE_WORDS, withSiteCategoryWords, withSiteWords, type SiteWords } from "./site-words.ts";

/** The columns of a listed service, shared by the catalogue listing and an order's quote. */
const CATALOG_COLUMNS = [
  "services.id",
  "services.category_id",
  "services.name",
  "services.description",
  "services.name_fr",
  "services.name_en",
  "services.description_fr",
  "services.description_en",
  "services.type",
  "services.min",
  "services.max",
  "services.refill",
  "services.cancel",
  "services.dripfeed",
  "services.rate",
  "categories.name as category_name",
  "categories.name_fr as category_name_fr",
  "categories.name_en as category_name_en",
  "categories.slug as category_slug",
  "categories.description as category_description",
  "categories.platform",
] as const;

export interface PricedService {
  id: number;
  category_id: number;
  category_name: string;
  /** The category's name in French / English where it has one (categoryNameIn picks). */
  category_name_fr: string | null;
  category_name_en: string | null;
  category_slug: string;
  /** The category's description: as stored on the platform, and in French / English where a site wrote one (categoryTextIn picks). */
  category_description: string | null;
  category_description_fr: string | null;
  category_description_en: string | null;
  /** The site shows this category among its featured ones (never on the platform). */
  category_featured: boolean;
  platform: string;
  name: string;
  description: string | null;
  /** The name and description an admin wrote in French / English (serviceTextIn picks). */
  name_fr: string | null;
  name_en: string | null;
  description_fr: string | null;
  description_en: string | null;
  type: string;
  min: number;
  max: number;
  refill: boolean;
  cancel: boolean;
  dripfeed: boolean;
  /** What the viewer pays per 1000 on this tenant (micro-units). */
  rate: number;
  /** On a site: what the reseller pays the platform per 1000, in the platform currency (micro-units); on the platform: same as rate. */
  cost: number;
  /** `cost` in the tenant's currency (a site's: converted at its rate, rounded up to a micro-unit): what `rate` is compared with. */
  site_cost: number;
}

/** The fields of a service that are its category's, as the tenant shows them: the same for every service of the category. */
export type CategoryFields = Pick<
  PricedService,
  | "category_id"
  | "category_name"
  | "category_name_fr"
  | "category_name_en"
  | "category_slug"
  | "category_description"
  | "category_description_fr"
  | "category_description_en"
  | "category_featured"
  | "platform"
>;

/** A category as the tenant shows it (on a site, in the site's words): what `pricedRow` gives each of its services. */
export function categoryFields(
  c: Omit<CategoryFields, "category_description_fr" | "category_description_en" | "category_featured">,
  words: SiteWords,
): CategoryFields {
  return withSiteCategoryWords(
    {
      category_id: c.category_id,
      category_name: c.category_name,
      category_name_fr: c.category_name_fr,
      category_name_en: c.category_name_en,
      category_slug: c.category_slug,
      category_description: c.category_description,
      category_description_fr: null,
      category_description_en: null,
      platform: c.platform,
    },
    words,
  );
}

/** What a site changes in the catalogue: its price rules, and its own words, order and hidden platforms. */
export type SiteRules = { service: Map<number, SiteRule>; category: Map<number, SiteRule>; words: SiteWords };
type Rules = SiteRules;

/** A site's stored price rules and words, read fresh. */
export async function siteRules(ctx: Ctx, siteId: number): Promise<Rules> {
  const [rows, words] = await Promise.all([forTenant(ctx.db, siteId).selectFrom("site_price_rules").selectAll().execute(), loadSiteWords(ctx.db, siteId)]);
  const rules: Rules = { service: new Map(), category: new Map(), words };
  for (const r of rows)
    (r.scope === "service" ? rules.service : rules.category).set(r.target_id, { marginBp: r.margin_bp, fixedRate: r.fixed_rate, hidden: Boolean(r.hidden) });
  return rules;
}

async function overrides(ctx: Ctx, userId: number | null, serviceId?: number): Promise<Map<number, number>> {
  if (!userId) return new Map();
  let q = ctx.db.selectFrom("service_prices_override").select(["service_id", "rate"]).where("user_id", "=", userId);
  if (serviceId) q = q.where("service_id", "=", serviceId);
  return new Map((await q.execute()).map((r) => [r.service_id, r.rate]));
}

/** The prices a payer has of their own, and the key of that set: payers with the same set share every priced list and answer. */
interface PayerPrices {
  rates: ReadonlyMap<number, number>;
  /** "" for the platform's prices (most users); else a digest of the payer's own rates, never their id. */
  key: string;
}
const PLATFORM_PRICES: PayerPrices = Object.freeze({ rates: new Map<number, number>(), key: "" });

function payerPricesOf(rates: Map<number, number>): PayerPrices {
  if (!rates.size) return PLATFORM_PRICES;
  const listed = [...rates].sort((a, b) => a[0] - b[0]).map(([id, rate]) => `${id}=${rate}`);
  return { rates, key: `own:${createHash("sha256").update(listed.join(";")).digest("base64url")}` };
}

export type CatalogRow = Awaited<ReturnType<typeof loadRows>>[number];

/** A service that may be listed by itself: active, of a type we can order (its category and provider decide the rest). */
export const listableService = (eb: ExpressionBuilder<Database, "services">) =>
  eb.and([eb("services.is_active", "=", 1), eb("services.type", "in", ORDERABLE_TYPES)]);

/**
 * The services the catalogue lists: listable, in an active category, from a provider that sells (or
 * none). catalogue-index.ts applies the same rule without the joins, cheaper over every service.
 */
function listedServices(ctx: Ctx) {
  return (
    ctx.db
      .selectFrom("services")
      .innerJoin("categories", "categories.id", "services.category_id")
      // A provider that is switched off, unpriced or in doubt about its currency: its services leave the catalogue with it.
      .leftJoin("api_providers", "api_providers.id", "services.provider_id")
      .where(listableService)
      .where("categories.is_active", "=", 1)
      .where((eb) => eb.or([providerSells, eb("api_providers.id", "is", null)]))
  );
}

/** The listed services (all of them or one), in the catalogue's order. */
function loadRows(ctx: Ctx, serviceId?: number) {
  let q = listedServices(ctx).select(CATALOG_COLUMNS);
  if (serviceId) q = q.where("services.id", "=", serviceId);
  // catalogue-index.ts orders its index by the same keys.
  return q.orderBy("categories.sort_order").orderBy("categories.name").orderBy("services.sort_order").orderBy("services.id").execute();
}

/** The given services if they are listed, in no particular order (the caller has one). */
export function loadRowsById(ctx: Ctx, ids: readonly number[]): Promise<CatalogRow[]> {
  return ids.length ? listedServices(ctx).select(CATALOG_COLUMNS).where("services.id", "in", ids).execute() : Promise.resolve([]);
}

// Listings read the catalogue from memory: dropped when this process changes the catalogue or a
// site, and after a short time so that changes made by another instance or the CLI show up too.
export const LISTING_TTL_MS = 15_000;
// A payer's own prices are part of the catalogue: changing them announces catalogChanged (src/staff/users/prices.ts).
const MAX_PAYERS = 20_000;
const MAX_PRICE_SETS = 200;
interface ListingCache {
  rows?: { at: number; value: Promise<CatalogRow[]> };
  rules: Map<number, { at: number; value: Promise<Rules> }>;
  /** Each payer's own prices, by payer (user) id. */
  payers: Map<number, { at: number; value: Promise<PayerPrices> }>;
  /** Priced lists by tenant and price set, reused while the rows and the site's rules are the same objects. */
  priced: WeakMap<CatalogRow[], Map<string, { rules: Rules | null; margin: number; exchange: RateMicro; value: PricedService[] }>>;
}
const LISTINGS = appSlot("catalogue listings", ({ events }): ListingCache => {
  const fresh: ListingCache = { rules: new Map(), payers: new Map(), priced: new WeakMap() };
  events.onCatalogChanged(() => {
    fresh.rows = undefined;
    fresh.payers.clear();
  });
  events.onSiteChanged((id) => fresh.rules.delete(id));
  events.onAllChanged(() => {
    fresh.rows = undefined;
    fresh.rules.clear();
    fresh.payers.clear();
  });
  return fresh;
});

function cacheOf(ctx: Ctx): ListingCache {
  return ctx.state.get(LISTINGS);
}

function cachedRows(ctx: Ctx): Promise<CatalogRow[]> {
  const c = cacheOf(ctx);
  const now = Date.now();
  if (!c.rows || now - c.rows.at > LISTING_TTL_MS) {
    const value = loadRows(ctx);
    value.catch(() => (c.rows = undefined));
    c.rows = { at: now, value };
  }
  return c.rows.value;
}

export function cachedRules(ctx: Ctx, siteId: number): Promise<Rules> {
  const c = cacheOf(ctx);
  const now = Date.now();
  const hit = c.rules.get(siteId);
  if (hit && now - hit.at <= LISTING_TTL_MS) return hit.value;
  const value = siteRules(ctx, siteId);
  value.catch(() => c.rules.delete(siteId));
  c.rules.set(siteId, { at: now, value });
  return value;
}

function cachedPayerPrices(ctx: Ctx, payerId: number | null): Promise<PayerPrices> {
  if (!payerId) return Promise.resolve(PLATFORM_PRICES);
  const c = cacheOf(ctx);
  const now = Date.now();
  const hit = c.payers.get(payerId);
  if (hit && now - hit.at <= LISTING_TTL_MS) return hit.value;
  const value = overrides(ctx, payerId).then(payerPricesOf);
  value.catch(() => c.payers.delete(payerId));
  // Bounded: the longest-kept payers go first (re-read at their next request).
  if (c.payers.size >= MAX_PAYERS) c.payers.delete(c.payers.keys().next().value!);
  c.payers.delete(payerId);
  c.payers.set(payerId, { at: now, value });
  return value;
}

/**
 * The key of the prices that apply to the request's payer (the user on the platform, the owner on a
 * site): "" for the platform's own, else a digest of the payer's rates. Two payers with the same key see
 * the same catalogue, so a cached answer may be shared by key, never by user.
 */
export async function payerPricesKey(ctx: Ctx): Promise<string> {
  return (await cachedPayerPrices(ctx, payerOf(ctx))).key;
}

/** Whether a site does not list (nor sell) a service: hidden by its rule or its category's, or of a platform the site does not sell. */
export function hiddenOnSite(r: { id: number; category_id: number; platform: string }, rules: Rules): boolean {
  return isHiddenOnSite(rules.service.get(r.id), rules.category.get(r.category_id)) || rules.words.hiddenPlatforms.has(r.platform);
}

/**
 * Prices rows for the tenant. On a site the reseller's cost (platform currency) is converted to the
 * site's currency at `exchange` (rounded up: a margin on it never sells below cost), then the site's
 * margin applies; a fixed price is the owner's, already in the site's currency.
 */
function price(ctx: Ctx, rows: CatalogRow[], custom: ReadonlyMap<number, number>, rules: Rules | null, exchange: RateMicro = PAR): PricedService[] {
  const tenant = ctx.tenant;
  const out: PricedService[] = [];
  for (const r of rows) {
    const cost = userRate(r.rate, custom.get(r.id));
    let rate = cost;
    let siteCost = cost;
    if (tenant.kind === "site" && rules) {
      if (hiddenOnSite(r, rules)) continue;
      const sr = rules.service.get(r.id);
      const cr = rules.category.get(r.category_id);
      siteCost = exchange === PAR ? cost : fromPlatform(cost, exchange, "up");
      rate = siteRate(siteCost, tenant.site.default_margin_bp, sr, cr);
    }
    out.push(pricedRow(r, rate, cost, siteCost, rules?.words ?? NO_SITE_WORDS));
  }
  return rules ? inSiteOrder(out, rules.words) : out;
}

function pricedRow(r: CatalogRow, rate: number, cost: number, siteCost: number, words: SiteWords): PricedService {
  const texts = withSiteWords({ ...r, category_description_fr: null, category_description_en: null }, words);
  return {
    id: r.id,
    category_id: r.category_id,
    category_name: r.category_name,
    category_name_fr: texts.category_name_fr,
    category_name_en: texts.category_name_en,
    category_slug: r.category_slug,
    category_description: r.category_description,
    category_description_fr: texts.category_description_fr,
    category_description_en: texts.category_description_en,
    category_featured: texts.category_featured,
    platform: r.platform,
    name: r.name,
    description: r.description,
    name_fr: texts.name_fr,
    name_en: texts.name_en,
    description_fr: texts.description_fr,
    description_en: texts.description_en,
    type: r.type,
    min: r.min,
    max: r.max,
    refill: Boolean(r.refill),
    cancel: Boolean(r.cancel),
    dripfeed: Boolean(r.dripfeed),
    rate,
    cost,
    site_cost: siteCost,
  };
}

/** A service of a site's catalogue, hidden ones included, with the level that sets its price. */
export interface SiteCatalogueLine extends PricedService {
  hidden: boolean;
  level: "service" | "category" | "default";
}

/**
 * Every service a site could sell, at the reseller's cost and at the site's price under `under` (a
 * default margin and rules not saved yet, for a preview) or under what is stored: the same rows, cost
 * and siteRate as the storefront's listing, so a preview shows what the storefront then charges.
 * Hidden services are kept and flagged.
 */
export async function siteCatalogue(ctx: Ctx, site: Site, under?: { defaultMarginBp: number; rules: SiteRules }): Promise<SiteCatalogueLine[]> {
  const rows = await cachedRows(ctx);
  const custom = await overrides(ctx, site.owner_id);
  const rules = under?.rules ?? (await siteRules(ctx, site.id));
  const defaultMarginBp = under?.defaultMarginBp ?? site.default_margin_bp;
  // The site's prices are in its currency: the cost converted as the storefront's listing converts it.
  const exchange = (await siteExchange(ctx, site)).rate;
  return rows.map((r) => {
    const cost = userRate(r.rate, custom.get(r.id));
    const siteCost = exchange === PAR ? cost : fromPlatform(cost, exchange, "up");
    const sr = rules.service.get(r.id);
    const cr = rules.category.get(r.category_id);
    return {
      ...pricedRow(r, siteRate(siteCost, defaultMarginBp, sr, cr), cost, siteCost, rules.words),
      hidden: hiddenOnSite(r, rules),
      level: pricingLevel(sr, cr),
    };
  });
}

function pricedForTenant(ctx: Ctx, rows: CatalogRow[], rules: Rules | null, exchange: RateMicro, prices: PayerPrices): PricedService[] {
  const pricedMemo = cacheOf(ctx).priced;
  let byTenant = pricedMemo.get(rows);
  if (!byTenant) {
    byTenant = new Map();
    pricedMemo.set(rows, byTenant);
  }
  const key = `${ctx.tenant.siteId}|${prices.key}`;
  const margin = ctx.tenant.kind === "site" ? ctx.tenant.site.default_margin_bp : 0;
  const hit = byTenant.get(key);
  if (hit && hit.rules === rules && hit.margin === margin && hit.exchange === exchange) return hit.value;
  // Shared between requests: frozen so that no caller can change another's prices.
  const value = price(ctx, rows, prices.rates, rules, exchange).map((s) => Object.freeze(s));
  if (byTenant.size >= MAX_PRICE_SETS) byTenant.clear();
  byTenant.set(key, { rules, margin, exchange, value });
  return value;
}

/** What prices the tenant's listing for the request's payer: their own rates, the site's rules, the site's exchange rate (each cached). */
export async function tenantPrices(ctx: Ctx) {
  const prices = await cachedPayerPrices(ctx, payerOf(ctx));
  const rules = ctx.tenant.kind === "site" ? await cachedRules(ctx, ctx.tenant.siteId) : null;
  const exchange = (await tenantExchange(ctx))?.rate ?? PAR;
  return { prices, rules, exchange };
}

/**
 * Some rows of the catalogue at the prices of the request's tenant, as `listPricedServices` prices the
 * whole list (the same `price`): for a page of the catalogue that reads only the rows it shows.
 */
export async function priceRows(ctx: Ctx, rows: CatalogRow[] | Promise<CatalogRow[]>): Promise<PricedService[]> {
  // The tenant's prices are read while the rows are.
  const [read, { prices, rules, exchange }] = await Promise.all([rows, tenantPrices(ctx)]);
  return price(ctx, read, prices.rates, rules, exchange);
}

function payerOf(ctx: Ctx): number | null {
  return ctx.tenant.kind === "site" ? ctx.tenant.site.owner_id : (ctx.user?.id ?? null);
}

/**
 * Active services at the prices of the request's tenant: the platform price (or the user's
 * custom price) on the platform; on a site, the reseller's own cost with the site's rules applied.
 * The same function serves both tenants, so a pricing rule is written once. For display.
 */
export async function listPricedServices(ctx: Ctx, opts: { categoryId?: number; search?: string } = {}): Promise<PricedService[]> {
  const rows = await cachedRows(ctx);
  const { prices, rules, exchange } = await tenantPrices(ctx);
  let priced = pricedForTenant(ctx, rows, rules, exchange, prices);
  if (opts.categoryId) priced = priced.filter((r) => r.category_id === opts.categoryId);
  if (opts.search) priced = priced.filter(serviceSearch(opts.search));
  return priced;
}

// Every order reads it: built once (prepared.ts). The payer's custom price comes with it (unique per user and service).
const orderServiceQuery = prepared((db, serviceId: number, payerId: number) =>
  db
    .selectFrom("services")
    .innerJoin("categories", "categories.id", "services.category_id")
    .innerJoin("api_providers", "api_providers.id", "services.provider_id")
    .leftJoin("service_prices_override as custom", (j) => j.onRef("custom.service_id", "=", "services.id").on("custom.user_id", "=", payerId))
    .select([...CATALOG_COLUMNS, "services.provider_id", "services.provider_rate", "api_providers.exchange_rate", "custom.rate as custom_rate"])
    .where("services.id", "=", serviceId)
    .where("services.is_active", "=", 1)
    .where("categories.is_active", "=", 1)
    .where("services.type", "in", ORDERABLE_TYPES)
    .where(providerSells),
);

interface OrderService {
  service: PricedService;
  providerId: number;
  /** The provider's rate per 1000, in its currency (micro-units), and what one unit of it is worth here. */
  providerRate: number;
  exchangeRate: number;
}

/**
 * One service as an order needs it, read fresh in one query: at the tenant's price for the payer
 * (as pricedService prices it), with its provider's rate; null when it cannot be ordered (inactive,
 * of a type we cannot order, its provider missing or not selling, hidden on the site).
 */
export async function orderService(ctx: Ctx, serviceId: number): Promise<OrderService | null> {
  const row = await orderServiceQuery.first(ctx.db, serviceId, payerOf(ctx) ?? 0);
  if (!row) return null;
  const { provider_id, provider_rate, exchange_rate, custom_rate, ...catalogRow } = row;
  const custom = new Map<number, number>(custom_rate === null ? [] : [[row.id, custom_rate]]);
  const rules = ctx.tenant.kind === "site" ? await siteRules(ctx, ctx.tenant.siteId) : null;
  const service = price(ctx, [catalogRow], custom, rules, (await tenantExchange(ctx))?.rate ?? PAR)[0];
  return service ? { service, providerId: provider_id, providerRate: Number(provider_rate), exchangeRate: Number(exchange_rate) } : null;
}

/** One service at the tenant's price, read fresh from the database: what orders are charged. */
export async function pricedService(ctx: Ctx, serviceId: number): Promise<PricedService | null> {
  const rows = await loadRows(ctx, serviceId);
  if (!rows.length) return null;
  const custom = await overrides(ctx, payerOf(ctx), serviceId);
  const rules = ctx.tenant.kind === "site" ? await siteRules(ctx, ctx.tenant.siteId) : null;
  return price(ctx, rows, custom, rules, (await tenantExchange(ctx))?.rate ?? PAR)[0] ?? null;
}
