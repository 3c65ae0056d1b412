import { Hono, type Context } from "hono";
import type { Site } from "../db/schema.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { AppError, NotFound } from "../core/errors.ts";
import { parseInput } from "../core/validate.ts";
import { t as tr, type MessageKey } from "../i18n/i18n.ts";
import type { Lang } from "../i18n/lang.ts";
import type { Params } from "../i18n/catalogue.ts";
import { UUID_SEGMENT } from "../lib/uuid.ts";
import { fromDbTime } from "../lib/time.ts";
import { parseMoney, roundUpToMinor } from "../money/money.ts";
import { bookingCurrency, getSetting } from "../settings/service.ts";
import { requireCsrf } from "../storefront/csrf.ts";
import { displayDate, displayMoney } from "../storefront/format.ts";
import { pageRequest, render, type Storefront } from "../storefront/respond.ts";
import { listActivePlans } from "./catalog.ts";
import { invoiceSheet, listSiteInvoices, siteInvoice } from "./invoices.ts";
import { renewalQuote, renewNow } from "./renewals.ts";
import { planChangeSchema } from "./schema.ts";
import { deleteSite, deletionBlockers, isBlocked } from "./site-deletion.ts";
import { ownedSite } from "./sites.ts";
import { cancelAtPeriodEnd, changePlan, currentSubscription, keepCurrentPlan, planChangeQuote, resumeSubscription } from "./subscription.ts";

type Fields = Record<string, string>;
type Errors = Record<string, string[]>;
type Tx = (key: MessageKey, params?: Params) => string;
type Confirm = { kind: "renew" | "plan"; title: string; rows: { label: string; value: string }[]; text: string | null; button: string; fields: Fields };
type State = { values?: Fields; errors?: Errors; confirm?: Confirm };

const DONE = {
  renewed: "sub.done.renewed",
  upgraded: "sub.done.upgraded",
  scheduled: "sub.done.scheduled",
  kept: "sub.done.kept",
  canceled: "sub.done.canceled",
  resumed: "sub.done.resumed",
} as const;
const CONFLICTS: Record<string, MessageKey> = {
  insufficient_balance: "sub.error.balance",
  subscription_changed: "sub.error.changed",
  not_active: "sub.error.not_active",
  no_subscription: "sub.error.not_active",
  cancel_requested: "sub.error.cancel_requested",
  site_disabled: "sub.error.disabled",
  not_due: "sub.error.not_due",
  site_holds_money: "sub.error.blocked",
};

/** A form's refusal in the page's words; anything but a user error (404, 500…) goes to the error page. */
function subscriptionErrors(err: unknown, tx: Tx, form: "renew" | "plan" | "cancel" | "delete"): Errors {
  if (!(err instanceof AppError) || err instanceof NotFound || ![409, 422].includes(err.status)) throw err;
  const known = CONFLICTS[err.code];
  if (known) return { [`_${form}`]: [tx(known)] };
  const details = err.details && typeof err.details === "object" ? (err.details as Errors) : {};
  if (details.confirm_slug) return { confirm_slug: [tx("sub.error.slug")] };
  if (details.plan_id || details.billing_cycle) {
    const text = (details.plan_id ?? []).join(" ");
    const key: MessageKey = text.includes("custom domain") ? "sub.error.fit_domain" : text.includes("customers") ? "sub.error.fit_customers" : "sub.error.plan";
    return { plan_id: [tx(key)] };
  }
  return { [`_${form}`]: [tx("sub.error.try_again")] };
}

const cycleWord = (tx: Tx, c: string | null) => tx(c === "yearly" ? "invoice.yearly" : "invoice.monthly");

/**
 * A reseller's subscription of one site, `/white-label/sites/:uuid/subscription`: the plan and the
 * next charge, renew now and change plan (each behind a confirmation step that shows the amount),
 * cancel at the period end and undo, the invoices (printable one by one) and the site's deletion
 * (refused while customers' money is in it; typed confirmation). The same verbs as the JSON API.
 */
export function siteSubscriptionPages(sf: Storefront) {
  const app = new Hono<AppEnv>();
  const site = `/white-label/sites/:uuid{${UUID_SEGMENT}}`;

  const subscriptionPage = async (c: Context<AppEnv>, s: Site, state: State = {}, status = 200) => {
    const req = await pageRequest(c, sf);
    const lang = req.visit.lang;
    const tx: Tx = (key, params) => tr(lang, key, params);
    const ctx = ctxOf(c);
    const currency = await bookingCurrency(ctx);
    const money = (m: number) => displayMoney(m, currency, lang);
    const day = (d: string | Date | null) => displayDate(d instanceof Date ? d.toISOString() : d, lang);
    const base = `/white-label/sites/${s.uuid}`;
    const [sub, plans, invoices, blockers] = await Promise.all([
      currentSubscription(ctx, s),
      listActivePlans(ctx),
      listSiteInvoices(ctx, s, { page: 1, per_page: 50 }),
      deletionBlockers(ctx, s),
    ]);
    // The current plan may no longer be on sale: its name from its own row.
    const current = sub ? await ctx.db.selectFrom("white_label_plans").select("name").where("id", "=", sub.plan_id).executeTakeFirst() : undefined;
    const planName = (id: number | null) => plans.find((p) => p.id === id)?.name ?? current?.name ?? "—";
    const pending = sub?.pending_plan_id ? plans.find((p) => p.id === sub.pending_plan_id) : undefined;
    const live = sub && sub.status !== "canceled";
    const ending = Boolean(live && sub.cancel_requested_at);
    const end = sub ? day(sub.current_period_end) : "—";
    const renewal = await renewalQuote(ctx, s).catch((err) => {
      if (err instanceof AppError && err.status === 409) return null;
      throw err;
    });
    const balance = ctx.user ? Number(ctx.user.balance) : 0;
    const values = { plan_id: String(sub?.plan_id ?? ""), billing_cycle: sub?.billing_cycle ?? "monthly", confirm_slug: "", ...state.values };
    const data = {
      back: base,
      self: `${base}/subscription`,
      tx,
      notice: (() => {
        const done = c.req.query("done") as keyof typeof DONE | undefined;
        return done && DONE[done] ? tx(DONE[done]) : null;
      })(),
      facts: sub
        ? [
            { label: tx("sub.plan"), value: planName(sub.plan_id) },
            { label: tx("sub.cycle"), value: cycleWord(tx, sub.billing_cycle) },
            { label: tx("sub.price"), value: money(sub.price) },
            {
              label: tx("sub.status"),
              value: ending ? tx("sub.status.ending", { date: end }) : tx(`sub.status.${sub.status}`),
            },
            { label: tx("sub.paid_until"), value: end },
            {
              label: tx("sub.next_charge"),
              value: !live
                ? "—"
                : ending
                  ? tx("sub.no_next_charge", { date: end })
                  : tx("sub.next_charge_value", { amount: money(roundUpToMinor(sub.price, currency)), date: end }),
            },
          ]
        : [],
      pending:
        live && pending
          ? {
              text: tx("sub.pending", {
                plan: pending.name,
                cycle: cycleWord(tx, sub.pending_billing_cycle),
                date: end,
                amount: money(roundUpToMinor(parseMoney(sub.pending_billing_cycle === "yearly" ? pending.price_yearly : pending.price_monthly) ?? 0, currency)),
              }),
              action: `${base}/subscription/keep-plan`,
            }
          : null,
      live: Boolean(live),
      ending,
      renew: renewal ? { action: `${base}/subscription/renew`, lead: tx("sub.renew_lead", { balance: money(balance) }) } : null,
      change:
        live && !ending && sub.status === "active"
          ? {
              action: `${base}/subscription/plan`,
              plans: plans.map((p) => ({
                id: String(p.id),
                label: `${p.name} · ${tx("sub.per_month", { price: money(roundUpToMinor(parseMoney(p.price_monthly) ?? 0, currency)) })} · ${tx("sub.per_year", { price: money(roundUpToMinor(parseMoney(p.price_yearly) ?? 0, currency)) })}`,
              })),
              cycles: [
                { value: "monthly", label: tx("invoice.monthly") },
                { value: "yearly", label: tx("invoice.yearly") },
              ],
            }
          : null,
      cancel:
        live && sub.status === "active" ? { action: `${base}/subscription/${ending ? "resume" : "cancel"}`, lead: tx("sub.cancel_lead", { date: end }) } : null,
      canceling: ending ? tx("sub.canceling", { date: end }) : null,
      ended: !live,
      invoices: invoices.rows.map((i) => ({
        number: i.number,
        date: day(i.issued_at),
        kind: invoiceSheet(i, "", lang).facts[2]!.value,
        amount: displayMoney(parseMoney(i.amount) ?? 0, i.currency, lang),
        href: `${base}/invoices/${i.uuid}`,
      })),
      deletion: {
        action: `${base}/delete`,
        label: tx("sub.delete_confirm_label", { slug: s.slug }),
        blocked: isBlocked(blockers),
        blockers: [
          blockers.customers_with_balance
            ? tx("sub.blocker.balances", { count: blockers.customers_with_balance, amount: money(blockers.balance_total) })
            : null,
          blockers.pending_deposits ? tx("sub.blocker.deposits", { count: blockers.pending_deposits, amount: money(blockers.pending_total) }) : null,
          blockers.active_orders ? tx("sub.blocker.orders", { count: blockers.active_orders }) : null,
        ].filter((b): b is string => b !== null),
        customersHref: `${base}/customers`,
      },
      confirm: state.confirm ?? null,
      values,
      errors: state.errors ?? {},
    };
    const heading = tx("sub.title", { site: s.name });
    return render(c, req, { id: "white-label-site-subscription", status, heading, title: heading }, data);
  };

  app.get(`${site}/subscription`, async (c) => subscriptionPage(c, await ownedSite(ctxOf(c), c.req.param("uuid"))));

  app.get(`${site}/invoices/:invoice{${UUID_SEGMENT}}`, async (c) => {
    const ctx = ctxOf(c);
    const s = await ownedSite(ctx, c.req.param("uuid"));
    const invoice = await siteInvoice(ctx, s, c.req.param("invoice"));
    const req = await pageRequest(c, sf);
    const sheet = invoiceSheet(invoice, await getSetting(ctx, "site_name"), req.visit.lang);
    const data = { back: `/white-label/sites/${s.uuid}/subscription`, backLabel: tr(req.visit.lang, "sub.back"), sheet };
    return render(c, req, { id: "white-label-site-invoice", heading: sheet.title, title: sheet.title }, data);
  });

  /** A subscription form: the caller's own site (404 otherwise), CSRF, the verb, then back with a notice, or the page with the errors. */
  const form = (
    path: string,
    kind: "renew" | "plan" | "cancel" | "delete",
    run: (c: Context<AppEnv>, s: Site, fields: Fields, tx: Tx, lang: Lang) => Promise<string | Response>,
  ) =>
    app.post(`${site}${path}`, requireCsrf, async (c) => {
      const s = await ownedSite(ctxOf(c), c.req.param("uuid"));
      const body = await c.req.parseBody();
      const fields: Fields = {};
      for (const [k, v] of Object.entries(body)) if (k !== "_csrf" && typeof v === "string") fields[k] = v.slice(0, 200);
      const { visit } = await pageRequest(c, sf);
      const tx: Tx = (key, params) => tr(visit.lang, key, params);
      try {
        const done = await run(c, s, fields, tx, visit.lang);
        if (typeof done !== "string") return done;
        return c.redirect(done.startsWith("/") ? done : `/white-label/sites/${s.uuid}/subscription?done=${done}`, 303);
      } catch (err) {
        const errors = subscriptionErrors(err, tx, kind);
        return subscriptionPage(c, await ownedSite(ctxOf(c), s.uuid), { values: fields, errors }, err instanceof AppError && err.status === 409 ? 409 : 422);
      }
    });

  // Money moves only after a confirmation step showing the amount (no JavaScript needed).
  form("/subscription/renew", "renew", async (c, s, fields, tx, lang) => {
    const ctx = ctxOf(c);
    if (fields.confirm === "1") {
      await renewNow(ctx, s);
      return "renewed";
    }
    const q = await renewalQuote(ctx, s);
    const money = (m: number) => displayMoney(m, q.currency, lang);
    return subscriptionPage(c, s, {
      confirm: {
        kind: "renew",
        title: tx("sub.renew_confirm", { site: s.name }),
        rows: [
          { label: tx("sub.confirm_amount"), value: money(q.amount) },
          { label: tx("sub.confirm_new_end"), value: displayDate(q.end.toISOString(), lang) },
          { label: tx("sub.confirm_balance_after"), value: money(Number(ctx.user?.balance ?? 0) - q.amount) },
        ],
        text: null,
        button: tx("sub.confirm_pay", { amount: money(q.amount) }),
        fields: {},
      },
    });
  });

  form("/subscription/plan", "plan", async (c, s, fields, tx, lang) => {
    const ctx = ctxOf(c);
    const input = parseInput(planChangeSchema, { plan_id: fields.plan_id ?? "", billing_cycle: fields.billing_cycle ?? "" });
    if (fields.confirm === "1") return (await changePlan(ctx, s, input)).kind === "upgrade" ? "upgraded" : "scheduled";
    const q = await planChangeQuote(ctx, s, input);
    const money = (m: number) => displayMoney(m, q.currency, lang);
    const upgrade = q.quote.kind === "upgrade";
    const end = displayDate(q.quote.end.toISOString(), lang);
    return subscriptionPage(c, s, {
      values: fields,
      confirm: {
        kind: "plan",
        title: tx("sub.change_confirm", { plan: q.plan.name, cycle: cycleWord(tx, q.cycle) }),
        rows: upgrade
          ? [
              { label: tx("sub.confirm_amount"), value: money(q.quote.charge) },
              { label: tx("sub.paid_until"), value: end },
              { label: tx("sub.confirm_balance_after"), value: money(Number(ctx.user?.balance ?? 0) - q.quote.charge) },
            ]
          : [{ label: tx("sub.paid_until"), value: end }],
        text: upgrade
          ? tx("sub.change_now", { days: Math.max(1, Math.ceil(q.quote.secondsLeft / 86_400)) })
          : tx("sub.change_later", { date: displayDate(fromDbTime(q.sub.current_period_end).toISOString(), lang), amount: money(q.price) }),
        button: upgrade ? tx("sub.confirm_pay", { amount: money(q.quote.charge) }) : tx("sub.change_schedule"),
        fields: { plan_id: String(q.plan.id), billing_cycle: q.cycle },
      },
    });
  });

  form("/subscription/keep-plan", "plan", async (c, s) => {
    await keepCurrentPlan(ctxOf(c), s);
    return "kept";
  });

  form("/subscription/cancel", "cancel", async (c, s) => {
    await cancelAtPeriodEnd(ctxOf(c), s);
    return "canceled";
  });

  form("/subscription/resume", "cancel", async (c, s) => {
    await resumeSubscription(ctxOf(c), s);
    return "resumed";
  });

  // The typed slug is the confirmation step; no money moves (deletion is refused while customers hold any).
  form("/delete", "delete", async (c, s, fields) => {
    await deleteSite(ctxOf(c), s, fields.confirm_slug ?? "");
    return "/white-label/sites";
  });

  return app;
}
