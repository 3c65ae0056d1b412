import { sql } from "kysely";
import type { z } from "zod";
import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import type { Site } from "../db/schema.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { NotFound, Validation } from "../core/errors.ts";
import { offsetOf, pageOf, type Page } from "../core/pagination.ts";
import { likeContaining } from "../lib/sql-like.ts";
import { dbNow, fromDbTime, toDbTime, toIso } from "../lib/time.ts";
import { getSetting } from "../settings/service.ts";
import { writeAudit } from "../audit/audit.ts";
import { forTenant, onPlatform } from "../tenancy/scoped.ts";
import { listThemes } from "../storefront/themes.ts";
import type { adminInvoicesQuery, PlanCreate, TemplateCreate, TemplateUpdate } from "./schema.ts";
import { planView, templateView } from "./view.ts";
import { INVOICE_COLUMNS, invoiceView, type InvoiceView } from "./invoices.ts";

const DAY_MS = 86_400_000;

/**
 * Gives a site `days` more of its current period (a goodwill gesture, a payment taken outside the
 * wallet): the subscription's period end and the site's expiry move together. A site in grace or
 * suspended whose new end is in the future is back online; a site an administrator disabled stays so.
 */
export async function extendSiteRenewal(ctx: Ctx, site: Site, days: number): Promise<{ from: string; to: string }> {
  const result = await withTransaction(ctx, async (tx) => {
    const sub = await forTenant(tx.db, site.id).selectFrom("subscriptions").selectAll().orderBy("id", "desc").executeTakeFirst();
    if (!sub || sub.status === "canceled") throw new Validation({ days: ["The site has no subscription to extend"] });
    const from = fromDbTime(sub.current_period_end);
    const end = toDbTime(new Date(from.getTime() + days * DAY_MS));
    const now = dbNow(tx.clock);
    const back = end > now && (sub.status === "grace" || sub.status === "suspended");
    await forTenant(tx.db, site.id)
      .updateTable("subscriptions")
      .set({ current_period_end: end, ...(back && { status: "active", grace_until: null }), updated_at: now })
      .where("id", "=", sub.id)
      .execute();
    await tx.db
      .updateTable("white_label_sites")
      .set({ expires_at: end, ...(back && site.status !== "disabled" && { status: "active" }), updated_at: now })
      .where("id", "=", site.id)
      .execute();
    const change = { from: toIso(sub.current_period_end) ?? "", to: toIso(end) ?? "" };
    await writeAudit(tx, { action: "white_label.site.extend", targetType: "white_label_site", targetId: site.id, data: { days, ...change } });
    return change;
  });
  ctx.events.siteChanged(site.id);
  return result;
}

/** Owners whose username or e-mail contains `search`: the platform's accounts only. */
export function ownersMatching(ctx: Ctx, search: string) {
  const match = likeContaining(search.toLowerCase());
  return onPlatform(ctx.db)
    .selectFrom("users")
    .select("id")
    .where((eb) => eb.or([match("username"), match("email")]));
}

export async function createPlan(ctx: Ctx, input: PlanCreate) {
  const currency = await getSetting(ctx, "currency");
  return withTransaction(ctx, async (tx) => {
    const now = dbNow(tx.clock);
    let id: number;
    try {
      const res = await tx.db
        .insertInto("white_label_plans")
        .values({
          slug: input.slug,
          name: input.name,
          description: input.description ?? null,
          price_monthly: input.price_monthly,
          price_yearly: input.price_yearly,
          max_customers: input.max_customers ?? null,
          allows_custom_domain: input.allows_custom_domain ? 1 : 0,
          customer_api: input.customer_api ? 1 : 0,
          features: JSON.stringify(input.features ?? []),
          is_active: input.is_active === false ? 0 : 1,
          sort_order: input.sort_order ?? 0,
          created_at: now,
          updated_at: now,
        })
        .executeTakeFirstOrThrow();
      id = Number(res.insertId);
    } catch (err) {
      if (isUniqueViolation(err)) throw new Validation({ slug: ["This slug is already taken"] });
      throw err;
    }
    const row = await tx.db.selectFrom("white_label_plans").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    await writeAudit(tx, { action: "white_label.plan.create", targetType: "white_label_plan", targetId: id, data: planView(row, currency, true) });
    return planView(row, currency, true);
  });
}

export async function templateForAdmin(ctx: Ctx, id: number) {
  const row = await ctx.db.selectFrom("white_label_templates").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new NotFound("Template not found");
  return templateView(row, true);
}

/** A template's shop-window words and availability; its slug names its theme folder and never changes. */
export async function updateTemplate(ctx: Ctx, id: number, input: TemplateUpdate) {
  const before = await templateForAdmin(ctx, id);
  const set = {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.description !== undefined && { description: input.description }),
    ...(input.is_active !== undefined && { is_active: input.is_active ? 1 : 0 }),
    ...(input.sort_order !== undefined && { sort_order: input.sort_order }),
  };
  return withTransaction(ctx, async (tx) => {
    await tx.db
      .updateTable("white_label_templates")
      .set({ ...set, updated_at: dbNow(tx.clock) })
      .where("id", "=", id)
      .execute();
    const after = templateView(await tx.db.selectFrom("white_label_templates").selectAll().where("id", "=", id).executeTakeFirstOrThrow(), true);
    await writeAudit(tx, { action: "white_label.template.update", targetType: "white_label_template", targetId: id, data: { before, after } });
    return after;
  });
}

/** Installed site themes that no template offers yet: what a new template may be made of. */
export async function themesWithoutTemplate(ctx: Ctx) {
  const taken = new Set((await ctx.db.selectFrom("white_label_templates").select("slug").execute()).map((t) => t.slug));
  return listThemes().filter((t) => !taken.has(t.slug));
}

/** Offers an installed theme folder to resellers as a template. */
export async function createTemplate(ctx: Ctx, input: TemplateCreate) {
  if (!(await themesWithoutTemplate(ctx)).some((t) => t.slug === input.slug)) {
    throw new Validation({ slug: ["Must be an installed theme that has no template yet"] });
  }
  return withTransaction(ctx, async (tx) => {
    const now = dbNow(tx.clock);
    let id: number;
    try {
      const res = await tx.db
        .insertInto("white_label_templates")
        .values({
          slug: input.slug,
          name: input.name,
          description: input.description ?? null,
          preview_image: null,
          is_active: input.is_active === false ? 0 : 1,
          sort_order: input.sort_order ?? 0,
          created_at: now,
          updated_at: now,
        })
        .executeTakeFirstOrThrow();
      id = Number(res.insertId);
    } catch (err) {
      if (isUniqueViolation(err)) throw new Validation({ slug: ["Must be an installed theme that has no template yet"] });
      throw err;
    }
    const row = templateView(await tx.db.selectFrom("white_label_templates").selectAll().where("id", "=", id).executeTakeFirstOrThrow(), true);
    await writeAudit(tx, { action: "white_label.template.create", targetType: "white_label_template", targetId: id, data: row });
    return row;
  });
}

async function customers(ctx: Ctx, ids: number[]) {
  if (!ids.length) return new Map<number, { id: number; username: string; email: string }>();
  const rows = await ctx.db
    .selectFrom("users")
    .select(["id", "username", "email"])
    .where("id", "in", [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** The platform's invoices (white-label purchases and renewals), newest first; `search` matches the number or the customer. */
export async function listInvoicesForAdmin(ctx: Ctx, q: z.infer<typeof adminInvoicesQuery>): Promise<Page<InvoiceView>> {
  let base = ctx.db.selectFrom("invoices");
  if (q.user_id) base = base.where("user_id", "=", q.user_id);
  if (q.search) {
    const match = likeContaining(q.search.toLowerCase());
    const owners = ownersMatching(ctx, q.search);
    base = base.where((eb) => eb.or([match("number"), eb("user_id", "in", owners)]));
  }
  const total = await base.select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
  const rows = await base
    .select([...INVOICE_COLUMNS])
    .orderBy("id", "desc")
    .limit(q.per_page)
    .offset(offsetOf(q))
    .execute();
  const who = await customers(
    ctx,
    rows.map((r) => r.user_id),
  );
  return pageOf(
    rows.map((r) => invoiceView(r, who.get(r.user_id) ?? null)),
    total.n,
    q,
  );
}

/** One invoice by number id or uuid. */
export async function invoiceForAdmin(ctx: Ctx, idOrUuid: string): Promise<InvoiceView> {
  let q = ctx.db.selectFrom("invoices").select([...INVOICE_COLUMNS]);
  q = /^\d{1,15}$/.test(idOrUuid) ? q.where("id", "=", Number(idOrUuid)) : q.where("uuid", "=", idOrUuid.toLowerCase());
  const row = await q.executeTakeFirst();
  if (!row) throw new NotFound("Invoice not found");
  const who = await customers(ctx, [row.user_id]);
  return invoiceView(row, who.get(row.user_id) ?? null);
}
