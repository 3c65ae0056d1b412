import { sql } from "kysely";
import type { z } from "zod";
import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import type { Site, SiteStatus } from "../db/schema.ts";
import { Conflict, NotFound } from "../core/errors.ts";
import { offsetOf, pageOf, type Page } from "../core/pagination.ts";
import { likeContaining } from "../lib/sql-like.ts";
import { dbNow, toIso } from "../lib/time.ts";
import { getSetting } from "../settings/service.ts";
import { writeAudit } from "../audit/audit.ts";
import type { adminSitesQuery, adminSubscriptionsQuery, PlanUpdate } from "./schema.ts";
import { siteDetails, summarize } from "./sites.ts";
import { ownersMatching } from "./admin-manage.ts";
import { planView, subscriptionView, templateView } from "./view.ts";
import { forTenant } from "../tenancy/scoped.ts";

async function ownersOf(ctx: Ctx, ids: number[]) {
  if (!ids.length) return new Map<number, { id: number; uuid: string; username: string; email: string }>();
  const rows = await ctx.db
    .selectFrom("users")
    .select(["id", "uuid", "username", "email"])
    .where("id", "in", [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

export async function listSitesForAdmin(ctx: Ctx, q: z.infer<typeof adminSitesQuery>): Promise<Page<unknown>> {
  let base = ctx.db.selectFrom("white_label_sites");
  if (q.status) base = base.where("status", "=", q.status);
  if (q.owner_id) base = base.where("owner_id", "=", q.owner_id);
  if (q.plan_id) base = base.where("plan_id", "=", q.plan_id);
  if (q.owner) base = base.where("owner_id", "in", ownersMatching(ctx, q.owner));
  if (q.search) {
    const match = likeContaining(q.search.toLowerCase());
    base = base.where((eb) => eb.or([match("slug"), match("name"), match("custom_domain")]));
  }
  const total = await base.select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
  const rows = await base.selectAll().orderBy("id", "desc").limit(q.per_page).offset(offsetOf(q)).execute();
  const owners = await ownersOf(
    ctx,
    rows.map((r) => r.owner_id),
  );
  const summaries = await summarize(ctx, rows);
  return pageOf(
    summaries.map((s, i) => ({ id: rows[i]!.id, ...s, owner: owners.get(rows[i]!.owner_id) ?? null })),
    total.n,
    q,
  );
}

/** A site by numeric id (the seed's {id}) or by uuid. */
export async function siteForAdmin(ctx: Ctx, idOrUuid: string): Promise<Site> {
  let q = ctx.db.selectFrom("white_label_sites").selectAll();
  q = /^\d{1,15}$/.test(idOrUuid) ? q.where("id", "=", Number(idOrUuid)) : q.where("uuid", "=", idOrUuid.toLowerCase());
  const site = await q.executeTakeFirst();
  if (!site) throw new NotFound("Site not found");
  return site;
}

export async function siteDetailsForAdmin(ctx: Ctx, site: Site) {
  const owners = await ownersOf(ctx, [site.owner_id]);
  const currency = await getSetting(ctx, "currency");
  const subs = await forTenant(ctx.db, site.id).selectFrom("subscriptions").selectAll().orderBy("id", "desc").execute();
  return {
    id: site.id,
    ...(await siteDetails(ctx, site)),
    owner: owners.get(site.owner_id) ?? null,
    subscriptions: subs.map((s) => subscriptionView(s, currency)),
  };
}

/**
 * active ↔ disabled. Re-enabling restores what the subscription says (active, grace or suspended),
 * so an administrator cannot accidentally give away an unpaid site.
 */
export async function toggleSiteStatus(ctx: Ctx, site: Site): Promise<Site> {
  if (site.deleted_at) throw new Conflict("Its owner deleted this site; it stays disabled", "site_deleted");
  const updated = await withTransaction(ctx, async (tx) => {
    let next: SiteStatus = "disabled";
    if (site.status === "disabled") {
      const sub = await forTenant(tx.db, site.id).selectFrom("subscriptions").select("status").orderBy("id", "desc").executeTakeFirst();
      next = sub?.status === "grace" ? "grace" : sub?.status === "suspended" || sub?.status === "canceled" ? "suspended" : "active";
    }
    await tx.db
      .updateTable("white_label_sites")
      .set({ status: next, updated_at: dbNow(tx.clock) })
      .where("id", "=", site.id)
      .where("status", "=", site.status)
      .execute();
    const row = await tx.db.selectFrom("white_label_sites").selectAll().where("id", "=", site.id).executeTakeFirstOrThrow();
    await writeAudit(tx, {
      action: "white_label.site.toggle_status",
      targetType: "white_label_site",
      targetId: site.id,
      data: { from: site.status, to: row.status },
    });
    return row;
  });
  ctx.events.siteChanged(site.id);
  return updated;
}

export async function listPlansForAdmin(ctx: Ctx) {
  const currency = await getSetting(ctx, "currency");
  const rows = await ctx.db.selectFrom("white_label_plans").selectAll().orderBy("sort_order").orderBy("id").execute();
  return rows.map((p) => planView(p, currency, true));
}

export async function updatePlan(ctx: Ctx, id: number, input: PlanUpdate) {
  const before = await ctx.db.selectFrom("white_label_plans").selectAll().where("id", "=", id).executeTakeFirst();
  if (!before) throw new NotFound("Plan not found");
  const currency = await getSetting(ctx, "currency");
  const set = {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.description !== undefined && { description: input.description }),
    ...(input.price_monthly !== undefined && { price_monthly: input.price_monthly }),
    ...(input.price_yearly !== undefined && { price_yearly: input.price_yearly }),
    ...(input.max_customers !== undefined && { max_customers: input.max_customers }),
    ...(input.allows_custom_domain !== undefined && { allows_custom_domain: input.allows_custom_domain ? 1 : 0 }),
    ...(input.customer_api !== undefined && { customer_api: input.customer_api ? 1 : 0 }),
    ...(input.features !== undefined && { features: JSON.stringify(input.features) }),
    ...(input.is_active !== undefined && { is_active: input.is_active ? 1 : 0 }),
    ...(input.sort_order !== undefined && { sort_order: input.sort_order }),
  };
  return withTransaction(ctx, async (tx) => {
    await tx.db
      .updateTable("white_label_plans")
      .set({ ...set, updated_at: dbNow(tx.clock) })
      .where("id", "=", id)
      .execute();
    const after = await tx.db.selectFrom("white_label_plans").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    await writeAudit(tx, {
      action: "white_label.plan.update",
      targetType: "white_label_plan",
      targetId: id,
      data: { before: planView(before, currency, true), after: planView(after, currency, true) },
    });
    return planView(after, currency, true);
  });
}

export async function listTemplatesForAdmin(ctx: Ctx) {
  const rows = await ctx.db.selectFrom("white_label_templates").selectAll().orderBy("sort_order").orderBy("id").execute();
  return rows.map((t) => templateView(t, true));
}

export async function listSubscriptionsForAdmin(ctx: Ctx, q: z.infer<typeof adminSubscriptionsQuery>): Promise<Page<unknown>> {
  let base = ctx.db.selectFrom("subscriptions");
  if (q.status) base = base.where("status", "=", q.status);
  if (q.site_id) base = base.where("site_id", "=", q.site_id);
  if (q.user_id) base = base.where("user_id", "=", q.user_id);
  const total = await base.select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
  const rows = await base.selectAll().orderBy("id", "desc").limit(q.per_page).offset(offsetOf(q)).execute();
  const currency = await getSetting(ctx, "currency");
  const sites = rows.length
    ? await ctx.db
        .selectFrom("white_label_sites")
        .select(["id", "uuid", "slug", "name", "status"])
        .where("id", "in", [...new Set(rows.map((r) => r.site_id))])
        .execute()
    : [];
  const siteMap = new Map(sites.map((s) => [s.id, s]));
  const owners = await ownersOf(
    ctx,
    rows.map((r) => r.user_id),
  );
  return pageOf(
    rows.map((s) => ({
      id: s.id,
      ...subscriptionView(s, currency),
      site: siteMap.get(s.site_id) ?? null,
      user: owners.get(s.user_id) ?? null,
      updated_at: toIso(s.updated_at),
    })),
    total.n,
    q,
  );
}
