import type { Kysely } from "kysely";
import type { Ctx } from "../context.ts";
import type { Database } from "../db/schema.ts";
import { LANGS, type Lang } from "../i18n/lang.ts";
import { forTenant } from "../tenancy/scoped.ts";
import { serviceTextIn } from "./category-names.ts";

/**
 * A site's catalogue in its own words (migration 0040): its names and descriptions of services and
 * categories in French and English, its order of categories and featured ones, the platforms it
 * does not sell. Read here, applied by `withSiteWords` when the catalogue is priced for the site, so
 * that every page, answer and order of the site sees the same thing; written by `src/site-catalogue/`.
 */

export interface SiteTexts {
  name_fr: string | null;
  name_en: string | null;
  description_fr: string | null;
  description_en: string | null;
}

interface SiteCategory extends SiteTexts {
  position: number | null;
  featured: boolean;
}

export interface SiteWords {
  services: Map<number, SiteTexts>;
  categories: Map<number, SiteCategory>;
  hiddenPlatforms: Set<string>;
}

export const NO_SITE_WORDS: SiteWords = Object.freeze({ services: new Map(), categories: new Map(), hiddenPlatforms: new Set<string>() });

export async function loadSiteWords(db: Kysely<Database>, siteId: number): Promise<SiteWords> {
  const site = forTenant(db, siteId);
  const [services, categories, hidden] = await Promise.all([
    site.selectFrom("site_service_texts").select(["service_id", "name_fr", "name_en", "description_fr", "description_en"]).execute(),
    site.selectFrom("site_categories").select(["category_id", "name_fr", "name_en", "description_fr", "description_en", "position", "featured"]).execute(),
    site.selectFrom("site_hidden_platforms").select("platform").execute(),
  ]);
  return {
    services: new Map(services.map(({ service_id, ...texts }) => [service_id, texts])),
    categories: new Map(categories.map(({ category_id, featured, ...rest }) => [category_id, { ...rest, featured: Boolean(featured) }])),
    hiddenPlatforms: new Set(hidden.map((h) => h.platform)),
  };
}

/** The fields of a category that a site may word its own way. */
interface WordedCategory {
  category_id: number;
  category_name_fr: string | null;
  category_name_en: string | null;
  category_description_fr: string | null;
  category_description_en: string | null;
}

/** The fields of a catalogue row that a site may word its own way. */
interface WordedRow extends WordedCategory {
  id: number;
  name_fr: string | null;
  name_en: string | null;
  description_fr: string | null;
  description_en: string | null;
}

/**
 * The row as the site words it: each of the site's texts stands for the platform's text in that
 * language, and a text the site left empty keeps the platform's. The languages' fallback to the
 * imported text stays with `serviceTextIn` / `categoryTextIn`, the one place that picks a language.
 */
export function withSiteWords<T extends WordedRow>(row: T, words: SiteWords): T & { category_featured: boolean } {
  const s = words.services.get(row.id);
  const worded = s
    ? {
        ...row,
        name_fr: s.name_fr || row.name_fr,
        name_en: s.name_en || row.name_en,
        description_fr: s.description_fr || row.description_fr,
        description_en: s.description_en || row.description_en,
      }
    : row;
  return withSiteCategoryWords(worded, words);
}

/** A category as the site words it (the same rule as `withSiteWords`, for a category on its own). */
export function withSiteCategoryWords<T extends WordedCategory>(row: T, words: SiteWords): T & { category_featured: boolean } {
  const c = words.categories.get(row.category_id);
  if (!c) return { ...row, category_featured: false };
  return {
    ...row,
    category_name_fr: c.name_fr || row.category_name_fr,
    category_name_en: c.name_en || row.category_name_en,
    category_description_fr: c.description_fr || row.category_description_fr,
    category_description_en: c.description_en || row.category_description_en,
    category_featured: c.featured,
  };
}

/**
 * The site's order of categories over a list already in the platform's order: placed categories by
 * their place, then the others (new ones since) in the platform's order. Stable, so services keep
 * their order inside a category.
 */
export function inSiteOrder<T extends { category_id: number }>(rows: T[], words: SiteWords): T[] {
  if (![...words.categories.values()].some((c) => c.position !== null)) return rows;
  const place = (r: T) => words.categories.get(r.category_id)?.position ?? Number.MAX_SAFE_INTEGER;
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => place(a.r) - place(b.r) || a.i - b.i)
    .map((x) => x.r);
}

/**
 * The names of services on a tenant in each language, as its catalogue shows them (a site's own
 * words first, through `withSiteWords` and `serviceTextIn`): for pages that list orders, whose
 * services may since have left the catalogue.
 */
export async function serviceNamesOn(ctx: Ctx, serviceIds: number[]): Promise<Map<number, Record<Lang, string>>> {
  const ids = [...new Set(serviceIds)];
  if (!ids.length) return new Map();
  const [rows, words] = await Promise.all([
    ctx.db
      .selectFrom("services")
      .select(["id", "category_id", "name", "name_fr", "name_en", "description", "description_fr", "description_en"])
      .where("id", "in", ids)
      .execute(),
    ctx.tenant.kind === "site" ? loadSiteWords(ctx.db, ctx.tenant.siteId) : NO_SITE_WORDS,
  ]);
  const noCategory = { category_name_fr: null, category_name_en: null, category_description_fr: null, category_description_en: null };
  return new Map(
    rows.map((r) => {
      const worded = withSiteWords({ ...r, ...noCategory }, words);
      return [r.id, Object.fromEntries(LANGS.map((lang) => [lang, serviceTextIn(lang, worded).name])) as Record<Lang, string>];
    }),
  );
}
