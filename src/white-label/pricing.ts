import { sql } from "kysely";
import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import type { Site } from "../db/schema.ts";
import { Validation, type FieldErrors } from "../core/errors.ts";
import { dbNow } from "../lib/time.ts";
import { formatMoney } from "../money/money.ts";
import { listPricedServices } from "../catalog/prices.ts";
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
      const values = { margin_bp: rule.margin ?? null, fixed_rate: rule.fixed_rate ?? null, hidden: rule.hidden ? 1 : 0 };
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
