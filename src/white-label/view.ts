import type { Selectable } from "kysely";
import type { Config } from "../config/config.ts";
import type { Site, SubscriptionsTable, WhiteLabelPlansTable, WhiteLabelTemplatesTable } from "../db/schema.ts";
import { formatMoney } from "../money/money.ts";
import { toIso } from "../lib/time.ts";
import { tenantBaseUrl } from "../tenancy/urls.ts";
import { CONTACT_SETTINGS, type StoredSettings } from "./theme-settings.ts";

export type Plan = Selectable<WhiteLabelPlansTable>;
type Template = Selectable<WhiteLabelTemplatesTable>;
export type Subscription = Selectable<SubscriptionsTable>;

function features(plan: Plan): string[] {
  try {
    const v = JSON.parse(plan.features ?? "[]");
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

export function planView(plan: Plan, currency: string, admin = false) {
  return {
    id: plan.id,
    slug: plan.slug,
    name: plan.name,
    description: plan.description,
    price_monthly: formatMoney(plan.price_monthly),
    price_yearly: formatMoney(plan.price_yearly),
    currency,
    max_customers: plan.max_customers,
    allows_custom_domain: Boolean(plan.allows_custom_domain),
    customer_api: Boolean(plan.customer_api),
    features: features(plan),
    sort_order: plan.sort_order,
    ...(admin ? { is_active: Boolean(plan.is_active), created_at: toIso(plan.created_at), updated_at: toIso(plan.updated_at) } : {}),
  };
}

export function templateView(t: Template, admin = false) {
  return {
    id: t.id,
    slug: t.slug,
    name: t.name,
    description: t.description,
    preview_image: t.preview_image,
    sort_order: t.sort_order,
    ...(admin ? { is_active: Boolean(t.is_active) } : {}),
  };
}

export function subscriptionView(s: Subscription, currency: string) {
  return {
    uuid: s.uuid,
    plan_id: s.plan_id,
    billing_cycle: s.billing_cycle,
    price: formatMoney(s.price),
    currency,
    status: s.status,
    current_period_start: toIso(s.current_period_start),
    current_period_end: toIso(s.current_period_end),
    grace_until: toIso(s.grace_until),
    reminded_at: toIso(s.reminded_at),
    last_attempt_at: toIso(s.last_attempt_at),
    canceled_at: toIso(s.canceled_at),
    cancel_at_period_end: s.cancel_requested_at !== null,
    pending_change:
      s.pending_plan_id === null ? null : { plan_id: s.pending_plan_id, billing_cycle: s.pending_billing_cycle, from: toIso(s.current_period_end) },
    created_at: toIso(s.created_at),
  };
}

function subdomainUrl(config: Config, site: Site): string {
  return tenantBaseUrl(config, { kind: "site", siteId: site.id, site: { ...site, custom_domain: null } });
}

/** Public path of a site's uploaded files (logo, favicons); the storefront serves DATA_DIR/uploads. */
function uploadUrl(site: Site, file: string): string | null {
  if (!site.logo_path) return null;
  return `/uploads/sites/${site.uuid}/${file}?v=${site.content_version}`;
}

export function domainView(site: Site) {
  const state = !site.custom_domain ? "none" : site.domain_verified_at ? "verified" : "pending";
  return {
    custom_domain: site.custom_domain,
    status: state,
    verified_at: toIso(site.domain_verified_at),
    txt_record:
      site.custom_domain && site.domain_token ? { type: "TXT", name: `_izyboost.${site.custom_domain}`, value: `izyboost-verify=${site.domain_token}` } : null,
  };
}

/** The branding as the API shows it: the common fields, contact links and every effective theme setting. */
export function brandingView(site: Site, effective: StoredSettings) {
  const text = (id: string) => (typeof effective[id] === "string" && effective[id] !== "" ? (effective[id] as string) : null);
  const contact: Record<string, string> = {};
  for (const [key, id] of Object.entries(CONTACT_SETTINGS)) {
    const v = text(id);
    if (v) contact[key] = v;
  }
  return {
    name: site.name,
    tagline: text("tagline"),
    primary_color: text("primary_color"),
    accent_color: text("accent_color"),
    language: site.language,
    currency: site.currency,
    contact,
    footer_text: text("footer_text"),
    settings: effective,
    logo_url: uploadUrl(site, "logo.png"),
    favicon_32_url: uploadUrl(site, "favicon-32.png"),
    favicon_180_url: uploadUrl(site, "favicon-180.png"),
  };
}

export function siteSummaryView(
  config: Config,
  site: Site,
  plan?: Pick<Plan, "id" | "slug" | "name"> | null,
  template?: Pick<Template, "id" | "slug" | "name"> | null,
) {
  return {
    uuid: site.uuid,
    name: site.name,
    slug: site.slug,
    status: site.status,
    url: tenantBaseUrl(config, { kind: "site", siteId: site.id, site }),
    subdomain_url: subdomainUrl(config, site),
    custom_domain: site.custom_domain,
    domain_verified: Boolean(site.custom_domain && site.domain_verified_at),
    plan: plan ? { id: plan.id, slug: plan.slug, name: plan.name } : { id: site.plan_id },
    template: template ? { id: template.id, slug: template.slug, name: template.name } : { id: site.template_id },
    language: site.language,
    currency: site.currency,
    expires_at: toIso(site.expires_at),
    content_version: site.content_version,
    created_at: toIso(site.created_at),
  };
}
