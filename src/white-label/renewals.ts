import { randomUUID } from "node:crypto";
import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import type { Site } from "../db/schema.ts";
import { Conflict, InsufficientBalance } from "../core/errors.ts";
import { DAY, dbNow, fromDbTime, toDbTime } from "../lib/time.ts";
import { roundUpToMinor } from "../money/money.ts";
import { bookingCurrency, getIntSetting } from "../settings/service.ts";
import { silentProgress, type Progress } from "../jobs/scheduler.ts";
import { debit } from "../wallet/ledger.ts";
import { noticeToOwner } from "./notices.ts";
import { nextPeriod, periodEnd } from "./periods.ts";
import { planFitProblems } from "./plan-fit.ts";
import { expireCanceled } from "./subscription.ts";
import { invoiceNumber } from "./purchase.ts";
import { siteById } from "./sites.ts";
import type { Subscription } from "./view.ts";
import { forTenant } from "../tenancy/scoped.ts";

interface RenewalReport {
  reminded: number;
  expired: number;
  renewed: number;
  grace: number;
  suspended: number;
  waiting: number;
  errors: number;
}

/**
 * Charges one renewal and rolls the period, exactly once: the subscription row is claimed with a
 * conditional UPDATE on its current period end in the same transaction as the debit, so a second
 * or concurrent run finds nothing to do. Returns false when another run got there first; throws
 * InsufficientBalance (and changes nothing) when the wallet cannot pay. A downgrade waiting for the
 * period end is applied here: the new plan's price and cycle, if the site still fits it.
 */
export async function chargeRenewal(ctx: Ctx, sub: Subscription, site: Site, now: Date): Promise<boolean> {
  const at = toDbTime(now);
  const currency = await bookingCurrency(ctx);
  const next = await renewalTerms(ctx, sub, site, currency);
  const period = nextPeriod(sub.current_period_end, next.cycle, sub.status, now);
  // A charge: an older subscription's price with sub-unit decimals books the next whole minor unit.
  const price = roundUpToMinor(next.price, currency);
  const done = await withTransaction(ctx, async (tx) => {
    const claimed = await tx.db
      .updateTable("subscriptions")
      .set({
        plan_id: next.planId,
        billing_cycle: next.cycle,
        price,
        pending_plan_id: null,
        pending_billing_cycle: null,
        status: "active",
        current_period_start: period.start,
        current_period_end: period.end,
        grace_until: null,
        reminded_at: null,
        // Restarting one that ended canceled: it is no longer being canceled.
        ...(sub.status === "canceled" && { cancel_requested_at: null, canceled_at: null }),
        last_attempt_at: at,
        updated_at: at,
      })
      .where("id", "=", sub.id)
      .where("status", "=", sub.status)
      .where("current_period_end", "=", sub.current_period_end)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return false;
    const posted = await debit(tx, {
      userId: sub.user_id,
      amount: price,
      type: "subscription",
      description: `White-label subscription ${site.slug} (${sub.billing_cycle})`,
      reference: sub.uuid,
      meta: { site_uuid: site.uuid, subscription_uuid: sub.uuid, period_start: period.start, period_end: period.end },
    });
    await tx.db.updateTable("white_label_sites").set({ plan_id: next.planId, expires_at: period.end, updated_at: at }).where("id", "=", site.id).execute();
    // A site an administrator disabled stays disabled; one in grace or suspended is back online.
    await tx.db.updateTable("white_label_sites").set({ status: "active" }).where("id", "=", site.id).where("status", "in", ["grace", "suspended"]).execute();
    await tx.db
      .insertInto("invoices")
      .values({
        uuid: randomUUID(),
        number: invoiceNumber(posted.transactionId, now),
        user_id: sub.user_id,
        transaction_id: posted.transactionId,
        subscription_id: sub.id,
        amount: price,
        currency,
        status: "paid",
        issued_at: at,
        data: JSON.stringify({
          kind: "subscription_renewal",
          site_uuid: site.uuid,
          site_name: site.name,
          plan: { id: next.planId, name: next.planName },
          billing_cycle: next.cycle,
          period_start: fromDbTime(period.start).toISOString(),
          period_end: fromDbTime(period.end).toISOString(),
        }),
        created_at: at,
        updated_at: at,
      })
      .execute();
    await noticeToOwner(tx, site.owner_id, "renewed", {
      site: site.name,
      amount: price,
      currency,
      date: fromDbTime(period.end).toISOString(),
      siteUuid: site.uuid,
    });
    return true;
  });
  if (done) ctx.events.siteChanged(site.id);
  return done;
}

/** What a renewal charges and for which plan: the current one, or a waiting downgrade the site fits. */
async function renewalTerms(ctx: Ctx, sub: Subscription, site: Site, currency: string) {
  const current = await ctx.db.selectFrom("white_label_plans").select(["id", "name"]).where("id", "=", sub.plan_id).executeTakeFirst();
  const keep = { planId: sub.plan_id, planName: current?.name ?? null, cycle: sub.billing_cycle, price: sub.price };
  if (sub.pending_plan_id === null || sub.pending_billing_cycle === null) return keep;
  const plan = await ctx.db.selectFrom("white_label_plans").selectAll().where("id", "=", sub.pending_plan_id).executeTakeFirst();
  if (!plan || Object.keys(await planFitProblems(ctx, site, plan)).length) {
    ctx.logger.warn("white-label downgrade not applied: the site no longer fits the plan", { subscription: sub.uuid });
    return keep;
  }
  const cycle = sub.pending_billing_cycle;
  return { planId: plan.id, planName: plan.name, cycle, price: roundUpToMinor(cycle === "yearly" ? plan.price_yearly : plan.price_monthly, currency) };
}

/** The wallet could not pay: active → grace (site still serving), grace over → suspended (503). */
async function degrade(ctx: Ctx, sub: Subscription, site: Site, now: Date): Promise<"grace" | "suspended" | "waiting"> {
  const at = toDbTime(now);
  const currency = await bookingCurrency(ctx);
  const vars = { site: site.name, amount: roundUpToMinor(sub.price, currency), currency, siteUuid: site.uuid };
  if (sub.status === "active") {
    const graceUntil = toDbTime(new Date(fromDbTime(sub.current_period_end).getTime() + (await getIntSetting(ctx, "grace_period_days")) * DAY));
    const moved = await withTransaction(ctx, async (tx) => {
      const r = await tx.db
        .updateTable("subscriptions")
        .set({ status: "grace", grace_until: graceUntil, last_attempt_at: at, updated_at: at })
        .where("id", "=", sub.id)
        .where("status", "=", "active")
        .where("current_period_end", "=", sub.current_period_end)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return false;
      await tx.db.updateTable("white_label_sites").set({ status: "grace", updated_at: at }).where("id", "=", site.id).where("status", "=", "active").execute();
      await noticeToOwner(tx, site.owner_id, "renewal_failed", { ...vars, date: fromDbTime(graceUntil).toISOString() });
      return true;
    });
    if (moved) ctx.events.siteChanged(site.id);
    return moved ? "grace" : "waiting";
  }
  if (sub.status === "grace" && sub.grace_until && sub.grace_until <= at) {
    const moved = await withTransaction(ctx, async (tx) => {
      const r = await tx.db
        .updateTable("subscriptions")
        .set({ status: "suspended", last_attempt_at: at, updated_at: at })
        .where("id", "=", sub.id)
        .where("status", "=", "grace")
        .where("current_period_end", "=", sub.current_period_end)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return false;
      await tx.db
        .updateTable("white_label_sites")
        .set({ status: "suspended", updated_at: at })
        .where("id", "=", site.id)
        .where("status", "in", ["active", "grace"])
        .execute();
      await noticeToOwner(tx, site.owner_id, "suspended", vars);
      return true;
    });
    if (moved) ctx.events.siteChanged(site.id);
    return moved ? "suspended" : "waiting";
  }
  await ctx.db.updateTable("subscriptions").set({ last_attempt_at: at, updated_at: at }).where("id", "=", sub.id).execute();
  return "waiting";
}

/** Failed renewals are retried once a day; the end of a grace period is acted on at once. */
function attemptDue(sub: Subscription, now: Date): boolean {
  if (sub.status === "active") return true;
  if (sub.status === "grace" && sub.grace_until && fromDbTime(sub.grace_until) <= now) return true;
  return !sub.last_attempt_at || now.getTime() - fromDbTime(sub.last_attempt_at).getTime() >= DAY;
}

async function sendReminders(ctx: Ctx, now: Date): Promise<number> {
  const days = await getIntSetting(ctx, "renewal_reminder_days");
  if (days <= 0) return 0;
  const at = toDbTime(now);
  const soon = await ctx.db
    .selectFrom("subscriptions")
    .innerJoin("white_label_sites", "white_label_sites.id", "subscriptions.site_id")
    .select([
      "subscriptions.id",
      "subscriptions.price",
      "subscriptions.current_period_end",
      "white_label_sites.owner_id",
      "white_label_sites.name",
      "white_label_sites.uuid as site_uuid",
    ])
    .where("subscriptions.status", "=", "active")
    .where("subscriptions.reminded_at", "is", null)
    .where("subscriptions.cancel_requested_at", "is", null)
    .where("subscriptions.current_period_end", ">", at)
    .where("subscriptions.current_period_end", "<=", toDbTime(new Date(now.getTime() + days * DAY)))
    .where("white_label_sites.status", "!=", "disabled")
    .execute();
  const currency = await bookingCurrency(ctx);
  let sent = 0;
  for (const s of soon) {
    // Claiming reminded_at first makes the reminder once per period, even with two runs at once.
    const ok = await withTransaction(ctx, async (tx) => {
      const r = await tx.db.updateTable("subscriptions").set({ reminded_at: at }).where("id", "=", s.id).where("reminded_at", "is", null).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return false;
      await noticeToOwner(tx, s.owner_id, "renewal_reminder", {
        site: s.name,
        amount: roundUpToMinor(s.price, currency),
        currency,
        date: fromDbTime(s.current_period_end).toISOString(),
        siteUuid: s.site_uuid,
      });
      return true;
    });
    if (ok) sent++;
  }
  return sent;
}

/** The hourly `white-label:renewals` job: reminders, renewals, grace and suspension. */
export async function runRenewals(ctx: Ctx, progress: Progress = silentProgress): Promise<RenewalReport> {
  const now = ctx.clock.now();
  const report: RenewalReport = { reminded: await sendReminders(ctx, now), expired: 0, renewed: 0, grace: 0, suspended: 0, waiting: 0, errors: 0 };
  const due = await ctx.db
    .selectFrom("subscriptions")
    .selectAll()
    .where("status", "in", ["active", "grace", "suspended"])
    .where("current_period_end", "<=", dbNow(ctx.clock))
    .orderBy("current_period_end")
    .execute();
  progress.start("white-label renewals", due.length);
  for (const sub of due) {
    try {
      const site = await siteById(ctx, sub.site_id);
      // No charge while an administrator keeps the site disabled.
      if (site.status === "disabled" || !attemptDue(sub, now)) report.waiting++;
      // The owner canceled at the period end: no charge, the site expires.
      else if (sub.cancel_requested_at) report[(await expireCanceled(ctx, sub, site, now)) ? "expired" : "waiting"]++;
      else {
        try {
          if (await chargeRenewal(ctx, sub, site, now)) report.renewed++;
          else report.waiting++;
        } catch (err) {
          if (!(err instanceof InsufficientBalance)) throw err;
          report[await degrade(ctx, sub, site, now)]++;
        }
      }
    } catch (err) {
      report.errors++;
      ctx.logger.error("white-label renewal failed", { subscription: sub.uuid, error: err instanceof Error ? err.message : String(err) });
    }
    progress.tick();
  }
  progress.done(
    `${report.renewed} renewed, ${report.expired} expired as canceled, ${report.grace} in grace, ${report.suspended} suspended, ${report.reminded} reminded`,
  );
  return report;
}

/** The subscription `renewNow` would charge, or why not (409). */
async function renewableSubscription(ctx: Ctx, site: Site): Promise<Subscription> {
  if (site.status === "disabled") throw new Conflict("This site was disabled by an administrator; contact support", "site_disabled");
  const sub = await forTenant(ctx.db, site.id).selectFrom("subscriptions").selectAll().orderBy("id", "desc").executeTakeFirst();
  if (!sub) throw new Conflict("This site has no subscription to renew", "no_subscription");
  // A subscription that ended canceled starts again: a new period from now, the site back online.
  if (sub.status === "canceled") return sub;
  const now = ctx.clock.now();
  if (sub.cancel_requested_at) throw new Conflict("The subscription ends at the period end; undo the cancellation first", "cancel_requested");
  if (sub.status === "active" && fromDbTime(sub.current_period_end) >= periodEnd(now, sub.billing_cycle)) {
    throw new Conflict(`The subscription is paid until ${fromDbTime(sub.current_period_end).toISOString()}`, "not_due");
  }
  return sub;
}

/** What renewing now charges and the period it pays for: the confirmation step shows it. */
export async function renewalQuote(ctx: Ctx, site: Site): Promise<{ amount: number; currency: string; start: Date; end: Date; planName: string | null }> {
  const sub = await renewableSubscription(ctx, site);
  const currency = await bookingCurrency(ctx);
  const next = await renewalTerms(ctx, sub, site, currency);
  const period = nextPeriod(sub.current_period_end, next.cycle, sub.status, ctx.clock.now());
  return { amount: roundUpToMinor(next.price, currency), currency, start: fromDbTime(period.start), end: fromDbTime(period.end), planName: next.planName };
}

/**
 * The reseller pays now: a due, grace or suspended subscription is renewed from the wallet at once;
 * an active one may pay its next period early, unless it is already paid a whole period ahead.
 */
export async function renewNow(ctx: Ctx, site: Site): Promise<Site> {
  const sub = await renewableSubscription(ctx, site);
  if (!(await chargeRenewal(ctx, sub, site, ctx.clock.now())))
    throw new Conflict("The subscription changed meanwhile; reload the page", "subscription_changed");
  return siteById(ctx, site.id);
}
