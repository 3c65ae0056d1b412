import { sql } from "kysely";
import type { Ctx } from "../context.ts";
import { requireUser } from "../context.ts";
import type { Site } from "../db/schema.ts";
import { NotFound } from "../core/errors.ts";
import { offsetOf, pageOf, type Page, type PageInput } from "../core/pagination.ts";
import { formatMoney, formatPercent } from "../money/money.ts";
import { getSetting } from "../settings/service.ts";
import { effectiveBranding } from "./theme-settings.ts";
import { brandingView, domainView, siteSummaryView, subscriptionView } from "./view.ts";
import { UUID } from "../lib/uuid.ts";
import { forTenant } from "../tenancy/scoped.ts";

/** The caller's own site; another user's site, a deleted one or none is a 404, never a 403. */
export async function ownedSite(ctx: Ctx, uuid: string): Promise<Site> {
  const user = requireUser(ctx);
  if (!UUID.test(uuid)) throw new NotFound("Site not found");
  const site = await ctx.db
    .selectFrom("white_label_sites")
    .selectAll()
    .where("uuid", "=", uuid.toLowerCase())
    .where("owner_id", "=", user.id)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  if (!site) throw new NotFound("Site not found");
  return site;
}

export async function siteById(ctx: Ctx, id: number): Promise<Site> {
  return ctx.db.selectFrom("white_label_sites").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

async function plansAndTemplates(ctx: Ctx, sites: Site[]) {
  const planIds = [...new Set(sites.map((s) => s.plan_id))];
  const templateIds = [...new Set(sites.map((s) => s.template_id))];
  const plans = planIds.length ? await ctx.db.selectFrom("white_label_plans").select(["id", "slug", "name"]).where("id", "in", planIds).execute() : [];
  const templates = templateIds.length
    ? await ctx.db.selectFrom("white_label_templates").select(["id", "slug", "name"]).where("id", "in", templateIds).execute()
    : [];
  return { plans: new Map(plans.map((p) => [p.id, p])), templates: new Map(templates.map((t) => [t.id, t])) };
}

/** Summaries of sites with their plan and template names. */
export async function summarize(ctx: Ctx, sites: Site[]) {
  const { plans, templates } = await plansAndTemplates(ctx, sites);
  return sites.map((s) => siteSummaryView(ctx.config, s, plans.get(s.plan_id), templates.get(s.template_id)));
}

export async function listMySites(ctx: Ctx, page: PageInput): Promise<Page<ReturnType<typeof siteSummaryView>>> {
  const user = requireUser(ctx);
  const base = ctx.db.selectFrom("white_label_sites").where("owner_id", "=", user.id).where("deleted_at", "is", null);
  const total = await base.select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
  const rows = await base.selectAll().orderBy("id", "desc").limit(page.per_page).offset(offsetOf(page)).execute();
  return pageOf(await summarize(ctx, rows), total.n, page);
}

export async function pricingSummary(ctx: Ctx, site: Site) {
  const rules = await forTenant(ctx.db, site.id).selectFrom("site_price_rules").selectAll().orderBy("scope").orderBy("target_id").execute();
  const view = (r: (typeof rules)[number]) => ({
    margin: r.margin_bp == null ? null : formatPercent(r.margin_bp),
    fixed_rate: r.fixed_rate == null ? null : formatMoney(r.fixed_rate),
    hidden: Boolean(r.hidden),
  });
  return {
    default_margin: formatPercent(site.default_margin_bp),
    categories: rules.filter((r) => r.scope === "category").map((r) => ({ category_id: r.target_id, ...view(r) })),
    services: rules.filter((r) => r.scope === "service").map((r) => ({ service_id: r.target_id, ...view(r) })),
  };
}

async function countWhere(ctx: Ctx, table: "users" | "orders", siteId: number): Promise<number> {
  const r = await forTenant(ctx.db, siteId).selectFrom(table).select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Everything a reseller sees about one of their sites. */
export async function siteDetails(ctx: Ctx, site: Site) {
  const plan = await ctx.db.selectFrom("white_label_plans").selectAll().where("id", "=", site.plan_id).executeTakeFirst();
  const template = await ctx.db.selectFrom("white_label_templates").selectAll().where("id", "=", site.template_id).executeTakeFirst();
  const sub = await forTenant(ctx.db, site.id).selectFrom("subscriptions").selectAll().orderBy("id", "desc").executeTakeFirst();
  const currency = await getSetting(ctx, "currency");
  const summary = siteSummaryView(ctx.config, site, plan, template);
  return {
    ...summary,
    urls: {
      site: summary.url,
      subdomain: summary.subdomain_url,
      custom_domain: site.custom_domain ? `https://${site.custom_domain}` : null,
    },
    plan: plan
      ? {
          id: plan.id,
          slug: plan.slug,
          name: plan.name,
          allows_custom_domain: Boolean(plan.allows_custom_domain),
          max_customers: plan.max_customers,
          customer_api: Boolean(plan.customer_api),
        }
      : summary.plan,
    domain: domainView(site),
    branding: brandingView(site, effectiveBranding(template?.slug ?? "", site.branding)),
    pricing: await pricingSummary(ctx, site),
    subscription: sub ? subscriptionView(sub, currency) : null,
    counts: { customers: await countWhere(ctx, "users", site.id), orders: await countWhere(ctx, "orders", site.id) },
  };
}
