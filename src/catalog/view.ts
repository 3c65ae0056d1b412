import { formatMoney } from "../money/money.ts";
import { toIso } from "../lib/time.ts";
import type { PricedService } from "./prices.ts";
import { isOrderableType } from "../providers/service-types.ts";
import { categoryNameIn } from "./category-names.ts";
import type { AdminCategory, AdminService, PublicCatalogue } from "./service.ts";

/** A category's name as imported, and as each language shows it. */
function namesOf(c: { name: string; name_fr: string | null; name_en: string | null }) {
  return { name: c.name, name_fr: categoryNameIn("fr", c), name_en: categoryNameIn("en", c) };
}

/** A service as a customer sees it: the rate is per 1000 (per package for Package) at their price. */
function publicServiceView(s: PricedService) {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    category: {
      id: s.category_id,
      ...namesOf({ name: s.category_name, name_fr: s.category_name_fr, name_en: s.category_name_en }),
      slug: s.category_slug,
      platform: s.platform,
    },
    type: s.type,
    min: s.min,
    max: s.max,
    rate: formatMoney(s.rate),
    refill: s.refill,
    cancel: s.cancel,
    dripfeed: s.dripfeed,
  };
}

export function publicCatalogueEnvelope(c: PublicCatalogue) {
  return {
    data: c.rows.map(publicServiceView),
    meta: { page: c.page, per_page: c.per_page, total: c.total, currency: c.currency, categories: c.categories.map((k) => ({ ...k, ...namesOf(k) })) },
  };
}

/** Everything an admin needs to price a service; the provider's rate is in the provider's currency. */
export function adminServiceView(s: AdminService) {
  return {
    id: s.id,
    name: s.name,
    provider_name: s.provider_name,
    description: s.description,
    /** As stored: null shows `name` / `description`. */
    name_fr: s.name_fr,
    name_en: s.name_en,
    description_fr: s.description_fr,
    description_en: s.description_en,
    type: s.type,
    /** False for a type we cannot order (e.g. "Comment Replies"): imported but never listed. */
    orderable: isOrderableType(s.type),
    category: { id: s.category_id, name: s.category_name, slug: s.category_slug },
    provider: { id: s.provider_id, name: s.provider_label, service_id: s.provider_service_id, currency: s.provider_currency },
    provider_rate: formatMoney(Number(s.provider_rate)),
    base_rate: formatMoney(Number(s.base_rate)),
    rate: formatMoney(Number(s.rate)),
    margin_bp: s.margin_bp,
    effective_margin_bp: s.margin_bp ?? s.platform_margin_bp,
    min: s.min,
    max: s.max,
    provider_min: s.provider_min,
    provider_max: s.provider_max,
    refill: Boolean(s.refill),
    refill_days: s.refill_days,
    cancel: Boolean(s.cancel),
    dripfeed: Boolean(s.dripfeed),
    is_active: Boolean(s.is_active),
    provider_removed_at: toIso(s.provider_removed_at),
    created_at: toIso(s.created_at),
    updated_at: toIso(s.updated_at),
  };
}

export function adminCategoryView(c: AdminCategory) {
  return {
    id: c.id,
    name: c.name,
    /** As stored: null shows `name`. */
    name_fr: c.name_fr,
    name_en: c.name_en,
    slug: c.slug,
    platform: c.platform,
    description: c.description,
    icon: c.icon,
    sort_order: c.sort_order,
    is_active: Boolean(c.is_active),
    services_count: c.services_count,
    active_services_count: c.active_services_count,
    created_at: toIso(c.created_at),
    updated_at: toIso(c.updated_at),
  };
}
