import { sql } from "kysely";
import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import type { Site } from "../db/schema.ts";
import { Validation, type FieldErrors } from "../core/errors.ts";
import { dbNow } from "../lib/time.ts";
import { formatMoney, formatPercent } from "../money/money.ts";
import { offsetOf, type PageInput } from "../core/pagination.ts";
import { listPricedServices, siteCatalogue, siteRules, type SiteCatalogueLine, type SiteRules } from "../catalog/prices.ts";
import { markupBp, pricingRule } from "../pricing/pricing.ts";
import type { PricingInput } from "./schema.ts";
import { siteById } from "./sites.ts";
import { forTenant } from "../tenancy/scoped.ts";

const SAMPLE_SIZE = 10;

type RuleInput = { margin?: number | null; fixed_rate?: number | null; hidden?: boolean };
type Scoped = { scope: "category" | "service"; targetId: number; field: string; rule: RuleInput };

async function unknownIds(ctx: Ctx, table: "categories" | "services", ids: number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const found = new Set((await ctx.db.selectFrom(table).select("id").where("id", "in", ids).execute()).map((r) => r.id));
  return new Set(ids.filter((id) => !found.has(id)));
}

async function checkTargets(ctx: Ctx, input: PricingInput): Promise<Scoped[]> {
  const errors: FieldErrors = {};
  const scoped: Scoped[] = [
    ...input.categories.map((c, i) => ({ scope: "category" as const, targetId: c.category_id, field: `categories.${i}.category_id`, rule: c })),
    ...input.services.map((s, i) => ({ scope: "service" as const, targetId: s.service_id, field: `services.${i}.service_id`, rule: s })),
  ];
  const missing = {
    category: await unknownIds(ctx, "categories", [...new Set(input.categories.map((c) => c.category_id))]),
    service: await unknownIds(ctx, "services", [...new Set(input.services.map((s) => s.service_id))]),
  };
  const seen = new Set<string>();
  for (const s of scoped) {
    const key = `${s.scope}:${s.targetId}`;
    if (missing[s.scope].has(s.targetId)) errors[s.field] = [s.scope === "category" ? "Unknown category" : "Unknown service"];
    else if (seen.has(key)) errors[s.field] = ["Listed twice"];
    seen.add(key);
  }
  if (Object.keys(errors).length) throw new Validation(errors);
  return scoped;
}

/**
 * Sets a site's margins: the default margin, and per-category / per-service rules (a margin,
 * a fixed price per 1000, or hidden). Each listed rule replaces that target's rule; a rule with
 * nothing in it is removed; with `reset: true` the listed rules replace the whole set.
 */
export async function updatePricing(ctx: Ctx, site: Site, input: PricingInput): Promise<Site> {
  const scoped = await checkTargets(ctx, input);
  await withTransaction(ctx, async (tx) => {
    const now = dbNow(tx.clock);
    // Taking the site row first serialises concurrent pricing updates of one site.
    await tx.db
      .updateTable("white_label_sites")
      .set({ default_margin_bp: input.default_margin ?? site.default_margin_bp, content_version: sql`content_version + 1`, updated_at: now })
      .where("id", "=", site.id)
      .execute();
    const rules = forTenant(tx.db, site.id);
    if (input.reset) await rules.deleteFrom("site_price_rules").execute();
    for (const { scope, targetId, rule } of scoped) {
      const target = rules.deleteFrom("site_price_rules").where("scope", "=", scope).where("target_id", "=", targetId);
      const stored = storedRule(rule);
      const values = { margin_bp: stored.marginBp, fixed_rate: stored.fixedRate, hidden: stored.hidden ? 1 : 0 };
      if (values.margin_bp == null && values.fixed_rate == null && !values.hidden) {
        await target.execute();
        continue;
      }
      const updated = await rules
        .updateTable("site_price_rules")
        .set({ ...values, updated_at: now })
        .where("scope", "=", scope)
        .where("target_id", "=", targetId)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) {
        await rules.insertInto("site_price_rules", { scope, target_id: targetId, ...values, created_at: now, updated_at: now }).execute();
      }
    }
  });
  ctx.events.siteChanged(site.id);
  return siteById(ctx, site.id);
}

/** How a rule of the update reads once stored (updatePricing writes the same three columns). */
function storedRule(rule: RuleInput) {
  return { marginBp: rule.margin ?? null, fixedRate: rule.fixed_rate ?? null, hidden: Boolean(rule.hidden) };
}

/** The rules the site would have after `input`: the stored ones (none with `reset`), each listed rule replacing its target's, an empty one removed. */
function rulesAfter(current: SiteRules, scoped: Scoped[], reset: boolean): SiteRules {
  // Words, category order and hidden platforms are not pricing: the preview keeps the stored ones.
  const next: SiteRules = reset
    ? { service: new Map(), category: new Map(), words: current.words }
    : { service: new Map(current.service), category: new Map(current.category), words: current.words };
  for (const { scope, targetId, rule } of scoped) {
    const stored = storedRule(rule);
    const map = next[scope];
    if (stored.marginBp == null && stored.fixedRate == null && !stored.hidden) map.delete(targetId);
    else map.set(targetId, stored);
  }
  return next;
}

type PreviewWarning = "below_cost" | "fixed_below_cost";

interface PreviewLine {
  service: SiteCatalogueLine;
  before: { rate: number; hidden: boolean };
  after: { rate: number; hidden: boolean };
  /** The markup over cost after the change, basis points (null for a free cost). */
  markupBp: number | null;
  warning: PreviewWarning | null;
}

export interface PricingPreview {
  defaultMargin: { before: number; after: number };
  /** Every service whose price or visibility changes, those sold below cost first, then in catalogue order. */
  lines: PreviewLine[];
  belowCost: number;
  hiddenNow: number;
  shownNow: number;
}

/**
 * What `input` would do to the site's prices, without saving: every service whose price or visibility
 * changes, before and after, with a warning when the new price is below the reseller's cost. The same
 * checks as updatePricing (422 for an unknown id), and the prices through siteCatalogue, the storefront's
 * own computation.
 */
export async function previewPricing(ctx: Ctx, site: Site, input: PricingInput): Promise<PricingPreview> {
  const scoped = await checkTargets(ctx, input);
  const current = await siteRules(ctx, site.id);
  const defaultMargin = { before: site.default_margin_bp, after: input.default_margin ?? site.default_margin_bp };
  const nextRules = rulesAfter(current, scoped, input.reset);
  const before = await siteCatalogue(ctx, site, { defaultMarginBp: defaultMargin.before, rules: current });
  const after = await siteCatalogue(ctx, site, { defaultMarginBp: defaultMargin.after, rules: nextRules });
  const beforeById = new Map(before.map((s) => [s.id, s]));
  const lines: PreviewLine[] = [];
  for (const a of after) {
    const b = beforeById.get(a.id) ?? a;
    if (a.rate === b.rate && a.hidden === b.hidden) continue;
    const rule = pricingRule(nextRules.service.get(a.id), nextRules.category.get(a.category_id));
    const below = !a.hidden && a.rate < a.site_cost;
    lines.push({
      service: a,
      before: { rate: b.rate, hidden: b.hidden },
      after: { rate: a.rate, hidden: a.hidden },
      markupBp: markupBp(a.site_cost, a.rate),
      warning: below ? (rule?.fixedRate != null ? "fixed_below_cost" : "below_cost") : null,
    });
  }
  // Stable: within each group the catalogue's order is kept.
  lines.sort((x, y) => Number(y.warning !== null) - Number(x.warning !== null));
  return {
    defaultMargin,
    lines,
    belowCost: lines.filter((l) => l.warning).length,
    hiddenNow: lines.filter((l) => l.after.hidden && !l.before.hidden).length,
    shownNow: lines.filter((l) => !l.after.hidden && l.before.hidden).length,
  };
}

/**
 * A few effective prices on the site, computed by the same catalogue function the storefront uses:
 * the services named in the update first, then the start of the catalogue.
 */
export async function samplePrices(ctx: Ctx, site: Site, input?: PricingInput) {
  const siteCtx: Ctx = { ...ctx, tenant: { kind: "site", siteId: site.id, site } };
  const priced = await listPricedServices(siteCtx);
  const byId = new Map(priced.map((s) => [s.id, s]));
  const named = (input?.services ?? []).map((s) => s.service_id);
  const ids = [...new Set([...named, ...priced.slice(0, SAMPLE_SIZE).map((s) => s.id)])].slice(0, Math.max(SAMPLE_SIZE, named.length));
  return ids.map((id) => {
    const s = byId.get(id);
    // Not in the site catalogue: hidden by a rule, or inactive.
    if (!s) return { service_id: id, shown: false };
    return {
      service_id: s.id,
      name: s.name,
      category_id: s.category_id,
      // Both in the site's currency: the reseller's cost converted at the site's rate.
      cost: formatMoney(s.site_cost),
      rate: formatMoney(s.rate),
      below_cost: s.rate < s.site_cost,
      shown: true,
    };
  });
}

/**
 * A preview as the reseller API answers it: the summary and one page of the changed services, money as
 * decimal strings per 1000, margins as percentages; a hidden service has no price.
 */
export function previewView(preview: PricingPreview, page: PageInput) {
  const price = (p: { rate: number; hidden: boolean }) => ({ price: p.hidden ? null : formatMoney(p.rate), hidden: p.hidden });
  const rows = preview.lines.slice(offsetOf(page), offsetOf(page) + page.per_page);
  return {
    data: {
      default_margin: { before: formatPercent(preview.defaultMargin.before), after: formatPercent(preview.defaultMargin.after) },
      affected: preview.lines.length,
      below_cost: preview.belowCost,
      hidden: preview.hiddenNow,
      shown: preview.shownNow,
      services: rows.map((l) => ({
        service_id: l.service.id,
        name: l.service.name,
        category_id: l.service.category_id,
        cost: formatMoney(l.service.site_cost),
        before: price(l.before),
        after: price(l.after),
        margin_amount: l.after.hidden ? null : formatMoney(l.after.rate - l.service.site_cost),
        margin: l.after.hidden || l.markupBp === null ? null : formatPercent(l.markupBp),
        warning: l.warning,
      })),
    },
    meta: { page: page.page, per_page: page.per_page, total: preview.lines.length },
  };
}
