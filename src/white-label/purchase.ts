import { randomUUID } from "node:crypto";
import type { Ctx } from "../context.ts";
import { requireUser, withTransaction } from "../context.ts";
import type { Site } from "../db/schema.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { Validation, type FieldErrors } from "../core/errors.ts";
import { toDbTime, toIso } from "../lib/time.ts";
import { roundUpToMinor } from "../money/money.ts";
import { bookingCurrency } from "../settings/service.ts";
import { debit } from "../wallet/ledger.ts";
import { seedSitePaymentMethods } from "../staff/finance/payment-methods.ts";
import { assertNoPendingClaim, domainErrors, newDomainToken, releaseUnverifiedClaims } from "./domains.ts";
import { brandSlugProblem } from "./hostnames.ts";
import { noticeToOwner } from "./notices.ts";
import { periodEnd, type BillingCycle } from "./periods.ts";
import type { PurchaseInput } from "./schema.ts";
import { siteById } from "./sites.ts";

/** The margin a new site starts with over its owner's cost (30 %), until the reseller sets its own. */
export const NEW_SITE_MARGIN_BP = 3000;

export function invoiceNumber(transactionId: number, at: Date): string {
  return `WL-${at.getUTCFullYear()}-${String(transactionId).padStart(8, "0")}`;
}

/**
 * What a purchase comes to, checked like `purchaseSite` (plan, template, address, domain) but
 * recorded nowhere: the plan, its template and the price charged, up to a whole minor unit.
 */
export async function quotePurchase(ctx: Ctx, input: PurchaseInput) {
  const errors: FieldErrors = {};
  const plan = await ctx.db.selectFrom("white_label_plans").selectAll().where("id", "=", input.plan_id).where("is_active", "=", 1).executeTakeFirst();
  if (!plan) errors.plan_id = ["Unknown or unavailable plan"];
  const template = await ctx.db
    .selectFrom("white_label_templates")
    .select(["id", "name"])
    .where("id", "=", input.template_id)
    .where("is_active", "=", 1)
    .executeTakeFirst();
  if (!template) errors.template_id = ["Unknown or unavailable template"];
  const lookalike = brandSlugProblem(input.slug, ctx.config);
  if (lookalike) errors.slug = [lookalike];
  else if (await ctx.db.selectFrom("white_label_sites").select("id").where("slug", "=", input.slug).executeTakeFirst())
    errors.slug = ["This address is already taken"];
  if (plan && input.custom_domain) {
    const problems = await domainErrors(ctx, plan, input.custom_domain);
    if (problems.length) errors.custom_domain = problems;
  }
  if (Object.keys(errors).length || !plan || !template) throw new Validation(errors);
  const currency = await bookingCurrency(ctx);
  // A charge: a plan priced with sub-unit decimals books the next whole minor unit (the subscription keeps that price).
  const price = roundUpToMinor(input.billing_cycle === "yearly" ? plan.price_yearly : plan.price_monthly, currency);
  return { plan, template, price, currency };
}

/**
 * Buys a white-label site: in one transaction, debits the plan price from the buyer's wallet,
 * creates the site (live at once on its slug host), its subscription and the invoice.
 * Insufficient funds, a taken slug or a bad domain change nothing.
 */
export async function purchaseSite(ctx: Ctx, input: PurchaseInput): Promise<Site> {
  const user = requireUser(ctx);
  const { plan, price, currency } = await quotePurchase(ctx, input);
  if (input.custom_domain) await assertNoPendingClaim(ctx, input.custom_domain);

  const cycle: BillingCycle = input.billing_cycle;
  const start = ctx.clock.now();
  const end = periodEnd(start, cycle);
  const now = toDbTime(start);
  const uuid = randomUUID();

  const siteId = await withTransaction(ctx, async (tx) => {
    if (input.custom_domain) await releaseUnverifiedClaims(tx, input.custom_domain);
    let id: number;
    try {
      const res = await tx.db
        .insertInto("white_label_sites")
        .values({
          uuid,
          owner_id: user.id,
          plan_id: plan.id,
          template_id: input.template_id,
          name: input.site_name,
          slug: input.slug,
          custom_domain: input.custom_domain,
          domain_token: newDomainToken(),
          domain_verified_at: null,
          domain_claimed_at: input.custom_domain ? now : null,
          branding: null,
          logo_path: null,
          default_margin_bp: NEW_SITE_MARGIN_BP,
          language: "fr",
          currency: "XOF",
          status: "active",
          expires_at: toDbTime(end),
          content_version: 1,
          created_at: now,
          updated_at: now,
        })
        .executeTakeFirstOrThrow();
      id = Number(res.insertId);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // A concurrent purchase took the slug or the domain between the check and the insert.
      throw new Validation(input.custom_domain ? { slug: ["This address or domain is already taken"] } : { slug: ["This address is already taken"] });
    }
    // The site's deposit methods start as the region's, without accounts and inactive until the reseller fills them in.
    await seedSitePaymentMethods(tx, id);
    const posted = await debit(tx, {
      userId: user.id,
      amount: price,
      type: "white_label_purchase",
      description: `White-label site ${input.slug} (${plan.name}, ${cycle})`,
      reference: uuid,
      meta: { site_uuid: uuid, plan_id: plan.id, billing_cycle: cycle },
    });
    const sub = await tx.db
      .insertInto("subscriptions")
      .values({
        uuid: randomUUID(),
        user_id: user.id,
        site_id: id,
        plan_id: plan.id,
        billing_cycle: cycle,
        price,
        status: "active",
        current_period_start: now,
        current_period_end: toDbTime(end),
        grace_until: null,
        reminded_at: null,
        canceled_at: null,
        last_attempt_at: now,
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
    await tx.db
      .insertInto("invoices")
      .values({
        uuid: randomUUID(),
        number: invoiceNumber(posted.transactionId, start),
        user_id: user.id,
        transaction_id: posted.transactionId,
        subscription_id: Number(sub.insertId),
        amount: price,
        currency,
        status: "paid",
        issued_at: now,
        data: JSON.stringify({
          kind: "white_label_purchase",
          site_uuid: uuid,
          site_name: input.site_name,
          plan: { id: plan.id, name: plan.name },
          billing_cycle: cycle,
          period_start: toIso(now),
          period_end: end.toISOString(),
        }),
        created_at: now,
        updated_at: now,
      })
      .execute();
    await noticeToOwner(tx, user.id, "purchased", { site: input.site_name, amount: price, currency, date: end.toISOString(), siteUuid: uuid });
    return id;
  });
  ctx.events.siteChanged(siteId);
  return siteById(ctx, siteId);
}
