import { randomUUID } from "node:crypto";
import type { Ctx } from "../context.ts";
import { requireUser, withTransaction } from "../context.ts";
import type { Site } from "../db/schema.ts";
import { Conflict, NotFound, Validation } from "../core/errors.ts";
import { fromDbTime, toDbTime } from "../lib/time.ts";
import { roundUpToMinor } from "../money/money.ts";
import { bookingCurrency } from "../settings/service.ts";
import { writeAudit } from "../audit/audit.ts";
import { forTenant } from "../tenancy/scoped.ts";
import { debit } from "../wallet/ledger.ts";
import { noticeToOwner } from "./notices.ts";
import type { BillingCycle } from "./periods.ts";
import { planFitProblems } from "./plan-fit.ts";
import { quotePlanChange, type PlanChangeQuote } from "./proration.ts";
import { invoiceNumber } from "./purchase.ts";
import type { PlanChangeInput } from "./schema.ts";
import { siteById } from "./sites.ts";
import type { Plan, Subscription } from "./view.ts";

/** The site's subscription: its latest one (a site has one at a time). */
export async function currentSubscription(ctx: Ctx, site: Site): Promise<Subscription | null> {
  return (await forTenant(ctx.db, site.id).selectFrom("subscriptions").selectAll().orderBy("id", "desc").executeTakeFirst()) ?? null;
}

/** A subscription the owner may change: active, in its period, not being canceled, on a site serving. */
async function changeableSubscription(ctx: Ctx, site: Site): Promise<Subscription> {
  if (site.status === "disabled") throw new Conflict("This site is disabled; contact support", "site_disabled");
  const sub = await currentSubscription(ctx, site);
  if (!sub || sub.status === "canceled") throw new Conflict("This site has no subscription", "no_subscription");
  if (sub.status !== "active" || fromDbTime(sub.current_period_end) <= ctx.clock.now()) {
    throw new Conflict("Renew the subscription before changing plan", "not_active");
  }
  return sub;
}

interface PlanChangePlan {
  sub: Subscription;
  plan: Plan;
  from: Plan | null;
  cycle: BillingCycle;
  /** The new plan's full price for the new cycle: what renewals charge from now on. */
  price: number;
  currency: string;
  quote: PlanChangeQuote;
}

/**
 * What a plan change would do, for the confirmation step and for the change itself: refused (422) for
 * an unknown plan, the current plan and cycle, or a plan the site does not fit; 409 while a
 * cancellation is pending or the subscription is not active.
 */
export async function planChangeQuote(ctx: Ctx, site: Site, input: PlanChangeInput): Promise<PlanChangePlan> {
  const sub = await changeableSubscription(ctx, site);
  if (sub.cancel_requested_at) throw new Conflict("Undo the cancellation before changing plan", "cancel_requested");
  const plan = await ctx.db.selectFrom("white_label_plans").selectAll().where("id", "=", input.plan_id).where("is_active", "=", 1).executeTakeFirst();
  if (!plan) throw new Validation({ plan_id: ["Unknown or unavailable plan"] });
  if (plan.id === sub.plan_id && input.billing_cycle === sub.billing_cycle) throw new Validation({ plan_id: ["This is the current plan"] });
  const problems = await planFitProblems(ctx, site, plan);
  if (Object.keys(problems).length) throw new Validation(problems);
  const from = (await ctx.db.selectFrom("white_label_plans").selectAll().where("id", "=", sub.plan_id).executeTakeFirst()) ?? null;
  const currency = await bookingCurrency(ctx);
  const price = roundUpToMinor(input.billing_cycle === "yearly" ? plan.price_yearly : plan.price_monthly, currency);
  const quote = quotePlanChange({
    paid: sub.price,
    newPrice: price,
    cycle: sub.billing_cycle,
    newCycle: input.billing_cycle,
    periodStart: fromDbTime(sub.current_period_start),
    periodEnd: fromDbTime(sub.current_period_end),
    now: ctx.clock.now(),
    currency,
  });
  return { sub, plan, from, cycle: input.billing_cycle, price, currency, quote };
}

/**
 * Changes the site's plan. An upgrade charges the pro-rata difference now, in one transaction with
 * a conditional claim of the subscription as it was quoted (so a double submit charges once: the
 * second finds it changed, 409), the ledger row and the invoice, and takes effect at once. A
 * downgrade credits nothing and is kept for the period end, when the renewal applies it.
 */
export async function changePlan(ctx: Ctx, site: Site, input: PlanChangeInput): Promise<{ kind: "upgrade" | "downgrade"; charge: number; site: Site }> {
  const owner = requireUser(ctx);
  const q = await planChangeQuote(ctx, site, input);
  const now = ctx.clock.now();
  const at = toDbTime(now);
  const claimed = (tx: Ctx) =>
    forTenant(tx.db, site.id)
      .updateTable("subscriptions")
      .where("id", "=", q.sub.id)
      .where("status", "=", "active")
      .where("plan_id", "=", q.sub.plan_id)
      .where("billing_cycle", "=", q.sub.billing_cycle)
      .where("current_period_end", "=", q.sub.current_period_end)
      .where("cancel_requested_at", "is", null);
  if (q.quote.kind === "downgrade") {
    await withTransaction(ctx, async (tx) => {
      const r = await claimed(tx).set({ pending_plan_id: q.plan.id, pending_billing_cycle: q.cycle, updated_at: at }).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new Conflict("The subscription changed meanwhile; reload the page", "subscription_changed");
      await writeAudit(tx, {
        action: "white_label.plan.downgrade_scheduled",
        targetType: "white_label_site",
        targetId: site.id,
        data: { from: q.sub.plan_id, to: q.plan.id, cycle: q.cycle, at: fromDbTime(q.sub.current_period_end).toISOString() },
      });
    });
    return { kind: "downgrade", charge: 0, site };
  }
  const end = toDbTime(q.quote.end);
  await withTransaction(ctx, async (tx) => {
    const r = await claimed(tx)
      .set({
        plan_id: q.plan.id,
        billing_cycle: q.cycle,
        price: q.price,
        current_period_start: toDbTime(q.quote.start),
        current_period_end: end,
        pending_plan_id: null,
        pending_billing_cycle: null,
        reminded_at: null,
        updated_at: at,
      })
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new Conflict("The subscription changed meanwhile; reload the page", "subscription_changed");
    const posted = await debit(tx, {
      userId: owner.id,
      amount: q.quote.charge,
      type: "subscription",
      description: `White-label plan change ${site.slug} (${q.from?.name ?? "?"} → ${q.plan.name}, ${q.cycle})`,
      reference: q.sub.uuid,
      meta: { site_uuid: site.uuid, subscription_uuid: q.sub.uuid, from_plan_id: q.sub.plan_id, plan_id: q.plan.id, billing_cycle: q.cycle },
    });
    await tx.db.updateTable("white_label_sites").set({ plan_id: q.plan.id, expires_at: end, updated_at: at }).where("id", "=", site.id).execute();
    await tx.db
      .insertInto("invoices")
      .values({
        uuid: randomUUID(),
        number: invoiceNumber(posted.transactionId, now),
        user_id: owner.id,
        transaction_id: posted.transactionId,
        subscription_id: q.sub.id,
        amount: q.quote.charge,
        currency: q.currency,
        status: "paid",
        issued_at: at,
        data: JSON.stringify({
          kind: "plan_change",
          site_uuid: site.uuid,
          site_name: site.name,
          plan: { id: q.plan.id, name: q.plan.name },
          from_plan: q.from ? { id: q.from.id, name: q.from.name } : null,
          billing_cycle: q.cycle,
          period_start: now.toISOString(),
          period_end: q.quote.end.toISOString(),
        }),
        created_at: at,
        updated_at: at,
      })
      .execute();
    await writeAudit(tx, {
      action: "white_label.plan.upgrade",
      targetType: "white_label_site",
      targetId: site.id,
      data: { from: q.sub.plan_id, to: q.plan.id, cycle: q.cycle, charge: q.quote.charge },
    });
    await noticeToOwner(tx, owner.id, "plan_changed", {
      site: site.name,
      amount: q.quote.charge,
      currency: q.currency,
      date: q.quote.end.toISOString(),
      siteUuid: site.uuid,
    });
  });
  ctx.events.siteChanged(site.id);
  return { kind: "upgrade", charge: q.quote.charge, site: await siteById(ctx, site.id) };
}

/** Drops a downgrade waiting for the period end: the current plan renews as before. */
export async function keepCurrentPlan(ctx: Ctx, site: Site): Promise<void> {
  const sub = await currentSubscription(ctx, site);
  if (!sub?.pending_plan_id) throw new Conflict("No plan change is waiting", "no_pending_change");
  await withTransaction(ctx, async (tx) => {
    await forTenant(tx.db, site.id)
      .updateTable("subscriptions")
      .set({ pending_plan_id: null, pending_billing_cycle: null, updated_at: toDbTime(tx.clock.now()) })
      .where("id", "=", sub.id)
      .execute();
    await writeAudit(tx, { action: "white_label.plan.downgrade_dropped", targetType: "white_label_site", targetId: site.id });
  });
}

/**
 * Cancels at the period end: the renewal job then charges nothing and lets the site expire when
 * the paid period ends. Undone by `resumeSubscription` until then.
 */
export async function cancelAtPeriodEnd(ctx: Ctx, site: Site): Promise<Subscription> {
  const sub = await changeableSubscription(ctx, site);
  if (sub.cancel_requested_at) throw new Conflict("The subscription already ends at the period end", "cancel_requested");
  return setCancel(ctx, site, sub, true);
}

/** Undoes a cancellation before the period end: renewals go on as before. */
export async function resumeSubscription(ctx: Ctx, site: Site): Promise<Subscription> {
  const sub = await changeableSubscription(ctx, site);
  if (!sub.cancel_requested_at) throw new Conflict("The subscription is not being canceled", "not_canceled");
  return setCancel(ctx, site, sub, false);
}

async function setCancel(ctx: Ctx, site: Site, sub: Subscription, cancel: boolean): Promise<Subscription> {
  const at = toDbTime(ctx.clock.now());
  await withTransaction(ctx, async (tx) => {
    const r = await forTenant(tx.db, site.id)
      .updateTable("subscriptions")
      .set({ cancel_requested_at: cancel ? at : null, updated_at: at })
      .where("id", "=", sub.id)
      .where("status", "=", "active")
      .where("current_period_end", "=", sub.current_period_end)
      .where("cancel_requested_at", cancel ? "is" : "is not", null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new Conflict("The subscription changed meanwhile; reload the page", "subscription_changed");
    await writeAudit(tx, {
      action: cancel ? "white_label.subscription.cancel" : "white_label.subscription.resume",
      targetType: "white_label_site",
      targetId: site.id,
    });
  });
  const fresh = await currentSubscription(ctx, site);
  if (!fresh) throw new NotFound("Subscription not found");
  return fresh;
}

/**
 * The renewal job's end of a canceled subscription: at its period end, no charge; the subscription
 * is canceled and the site stops serving (suspended, its 503 page), and the owner is told. Once.
 */
export async function expireCanceled(ctx: Ctx, sub: Subscription, site: Site, now: Date): Promise<boolean> {
  const at = toDbTime(now);
  const done = await withTransaction(ctx, async (tx) => {
    const r = await tx.db
      .updateTable("subscriptions")
      .set({ status: "canceled", canceled_at: at, pending_plan_id: null, pending_billing_cycle: null, updated_at: at })
      .where("id", "=", sub.id)
      .where("status", "=", sub.status)
      .where("current_period_end", "=", sub.current_period_end)
      .where("cancel_requested_at", "is not", null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    await tx.db
      .updateTable("white_label_sites")
      .set({ status: "suspended", updated_at: at })
      .where("id", "=", site.id)
      .where("status", "in", ["active", "grace"])
      .execute();
    await noticeToOwner(tx, site.owner_id, "expired", {
      site: site.name,
      amount: 0,
      currency: await bookingCurrency(tx),
      date: fromDbTime(sub.current_period_end).toISOString(),
      siteUuid: site.uuid,
    });
    return true;
  });
  if (done) ctx.events.siteChanged(site.id);
  return done;
}
