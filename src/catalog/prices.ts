import type { Ctx } from "../context.ts";
import { isHiddenOnSite, siteRate, userRate, type SiteRule } from "../pricing/pricing.ts";

export interface PricedService {
  id: number;
  category_id: number;
  category_name: string;
  category_slug: string;
  platform: string;
  name: string;
  description: string | null;
  type: string;
  min: number;
  max: number;
  refill: boolean;
  cancel: boolean;
  dripfeed: boolean;
  /** What the viewer pays per 1000 on this tenant (micro-units). */
  rate: number;
  /** On a site: what the reseller pays the platform per 1000 (micro-units); on the platform: same as rate. */
  cost: number;
}

type Rules = { service: Map<number, SiteRule>; category: Map<number, SiteRule> };

async function siteRules(ctx: Ctx, siteId: number): Promise<Rules> {
  const rows = await ctx.db.selectFrom("site_price_rules").selectAll().where("site_id", "=", siteId).execute();
  const rules: Rules = { service: new Map(), category: new Map() };
  for (const r of rows) (r.scope === "service" ? rules.service : rules.category).set(r.target_id, { marginBp: r.margin_bp, fixedRate: r.fixed_rate, hidden: Boolean(r.hidden) });
  return rules;
}

async function overrides(ctx: Ctx, userId: number | null, serviceId?: number): Promise<Map<number, number>> {
  if (!userId) return new Map();
  let q = ctx.db.selectFrom("service_prices_override").select(["service_id", "rate"]).where("user_id", "=", userId);
  if (serviceId) q = q.where("service_id", "=", serviceId);
  return new Map((await q.execute()).map((r) => [r.service_id, r.rate]));
}

/**
 * Active services at the prices of the request's tenant: the platform price (or the user's
 * custom price) on the platform; on a site, the reseller's own cost with the site's rules applied.
 * The same function serves both tenants, so a pricing rule is written once.
 */
export async function listPricedServices(ctx: Ctx, opts: { serviceId?: number; categoryId?: number; search?: string } = {}): Promise<PricedService[]> {
  let q = ctx.db
    .selectFrom("services")
    .innerJoin("categories", "categories.id", "services.category_id")
    // A switched-off provider cannot fulfil orders: its services leave the catalogue with it.
    .leftJoin("api_providers", "api_providers.id", "services.provider_id")
    .select([
      "services.id", "services.category_id", "services.name", "services.description", "services.type", "services.min", "services.max",
      "services.refill", "services.cancel", "services.dripfeed", "services.rate",
      "categories.name as category_name", "categories.slug as category_slug", "categories.platform",
    ])
    .where("services.is_active", "=", 1)
    .where("categories.is_active", "=", 1)
    .where((eb) => eb.or([eb("api_providers.is_active", "=", 1), eb("api_providers.id", "is", null)]));
  if (opts.serviceId) q = q.where("services.id", "=", opts.serviceId);
  if (opts.categoryId) q = q.where("services.category_id", "=", opts.categoryId);
  if (opts.search) q = q.where("services.name", "like", `%${opts.search.replace(/[%_\\]/g, (m) => "\\" + m)}%`);
  const rows = await q.orderBy("categories.sort_order").orderBy("categories.name").orderBy("services.sort_order").orderBy("services.id").execute();

  const tenant = ctx.tenant;
  const payer = tenant.kind === "site" ? tenant.site.owner_id : (ctx.user?.id ?? null);
  const custom = await overrides(ctx, payer, opts.serviceId);
  const rules = tenant.kind === "site" ? await siteRules(ctx, tenant.siteId) : null;

  const out: PricedService[] = [];
  for (const r of rows) {
    const cost = userRate(r.rate, custom.get(r.id));
    let rate = cost;
    if (tenant.kind === "site" && rules) {
      const sr = rules.service.get(r.id);
      const cr = rules.category.get(r.category_id);
      if (isHiddenOnSite(sr, cr)) continue;
      rate = siteRate(cost, tenant.site.default_margin_bp, sr, cr);
    }
    const { rate: _platformRate, ...rest } = r;
    void _platformRate;
    out.push({ ...rest, refill: Boolean(r.refill), cancel: Boolean(r.cancel), dripfeed: Boolean(r.dripfeed), rate, cost });
  }
  return out;
}

export async function pricedService(ctx: Ctx, serviceId: number): Promise<PricedService | null> {
  return (await listPricedServices(ctx, { serviceId }))[0] ?? null;
}
