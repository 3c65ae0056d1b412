import { randomUUID } from "node:crypto";
import type { ConfirmStepView } from "../storefront/confirm-step.ts";
import type { Ctx } from "../context.ts";
import type { Site } from "../db/schema.ts";
import { parseMoney, roundUpToMinor } from "../money/money.ts";
import { getTheme } from "../storefront/themes.ts";
import { displayDate, displayMoney, displayNumber, statusBadge } from "../storefront/format.ts";
import type { FormState, PaginationView, StatusBadgeView, Translate } from "../storefront/view-models.ts";
import type { Lang } from "../i18n/lang.ts";
import { t } from "../i18n/i18n.ts";
import { listLedger } from "../staff/finance/service.ts";
import { ticketRows } from "../tickets/repo.ts";
import { listActivePlans, listActiveTemplates } from "./catalog.ts";
import { listMySites, siteDetails } from "./sites.ts";
import { effectiveBranding } from "./theme-settings.ts";
import { listSiteOrders } from "../reseller/orders.ts";
import { siteTenantCtx } from "../reseller/scope.ts";
import { siteStats } from "../reseller/stats.ts";
import { inTenant } from "../tenancy/scoped.ts";
import { orderLabel } from "../orders/numbers.ts";
import { takesDeposits } from "./deposit-readiness.ts";
import { currencySection, type CurrencySection } from "./currency-view.ts";

/** What the platform's white-label templates read: strings already formatted for the page language. */
export interface Fmt {
  lang: Lang;
  currency: string;
  t: Translate;
}

type Choice = { value: string; label: string; selected: boolean };

interface PurchaseData extends FormState {
  action: string;
  signedIn: boolean;
  loginHref: string;
  registerHref: string;
  balance: string | null;
  sitesDomain: string;
  mySites: number;
  plans: { id: number; name: string; description: string; monthly: string; yearly: string; points: string[]; selected: boolean }[];
  templates: { id: number; name: string; description: string; selected: boolean; demoHref: string }[];
  cycles: Choice[];
  /** A fresh key per rendering, carried to the confirmation step: a double submit buys one site. */
  idempotencyKey: string;
  /** Set once the form is valid: plan, price and balance after, to confirm before anything is charged. */
  confirmStep: ConfirmStepView | null;
}

interface SitesData {
  sites: { name: string; href: string; url: string; status: StatusBadgeView; plan: string; expires: string; domain: string }[];
  pagination: PaginationView | null;
}

interface SitePageData extends FormState {
  uuid: string;
  currency: CurrencySection;
  name: string;
  status: StatusBadgeView;
  url: string;
  subdomainUrl: string;
  plan: string;
  template: string;
  expires: string;
  cycle: string;
  notice: string | null;
  stats: { label: string; value: string }[];
  domain: {
    allowed: boolean;
    current: string | null;
    state: StatusBadgeView;
    txtName: string | null;
    txtValue: string | null;
    action: string;
    verifyAction: string;
    verified: boolean;
  };
  branding: { action: string; logoUrl: string | null; languages: Choice[] };
  margin: { action: string; pricingHref: string };
  deposits: { id: number; customer: string; amount: string; gross: string; method: string; reference: string; createdAt: string; action: string }[];
  orders: { short: string; customer: string; service: string; sitePrice: string; cost: string; profit: string; status: StatusBadgeView; createdAt: string }[];
  tickets: { subject: string; href: string; customer: string; status: StatusBadgeView; lastActivity: string }[];
  ticketsHref: string;
  customersHref: string;
  subscription: { href: string; label: string };
  apiBase: string;
  /** What the owner still has to do before the site serves customers; null once all is done. */
  checklist: { label: string; done: boolean; href: string | null; hint: string | null }[] | null;
  tabsBase: string;
}

const SITE_TONES: Record<string, string> = { active: "success", grace: "warning", suspended: "danger", disabled: "muted" };

function siteStatusBadge(status: string, t: Translate): StatusBadgeView {
  const known = status in SITE_TONES ? status : "disabled";
  return { tone: SITE_TONES[known]!, label: t(`platform.wl.status.${known}`) };
}

/** The public purchase page: active plans and templates (descriptions from the theme, in the page language). */
export async function purchaseData(
  ctx: Ctx,
  f: Fmt,
  state: Partial<FormState> & { confirmStep?: ConfirmStepView },
  balance: string | null,
): Promise<PurchaseData> {
  const plans = await listActivePlans(ctx);
  const templates = await listActiveTemplates(ctx);
  const values = state.values ?? {};
  const wantedPlan = values.plan_id ?? String(plans.find((p) => p.slug === "business")?.id ?? plans[0]?.id ?? "");
  const wantedTemplate = values.template_id ?? String(templates[0]?.id ?? "");
  const wantedCycle = values.billing_cycle ?? "monthly";
  const mySites = ctx.user ? (await listMySites(ctx, { page: 1, per_page: 1 })).total : 0;
  return {
    values,
    errors: state.errors ?? {},
    action: "/white-label",
    signedIn: Boolean(ctx.user),
    loginHref: "/login?next=%2Fwhite-label",
    registerHref: "/register?next=%2Fwhite-label",
    balance,
    idempotencyKey: randomUUID(),
    confirmStep: state.confirmStep ?? null,
    sitesDomain: ctx.config.SITES_DOMAIN,
    mySites,
    plans: plans.map((p) => ({
      id: p.id,
      name: p.name,
      description: p.description ?? "",
      selected: String(p.id) === wantedPlan,
      // What the purchase will charge: the plan price up to a whole minor unit.
      monthly: f.t("platform.wl.per_month", { price: displayMoney(roundUpToMinor(parseMoney(p.price_monthly) ?? 0, f.currency), f.currency, f.lang) }),
      yearly: f.t("platform.wl.per_year", { price: displayMoney(roundUpToMinor(parseMoney(p.price_yearly) ?? 0, f.currency), f.currency, f.lang) }),
      points: [
        p.max_customers == null
          ? f.t("platform.wl.plan_customers_unlimited")
          : f.t("platform.wl.plan_customers", { count: displayNumber(p.max_customers, f.lang) }),
        f.t(p.allows_custom_domain ? "platform.wl.plan_domain_yes" : "platform.wl.plan_domain_no"),
        f.t("platform.wl.plan_themes", { count: templates.length }),
        f.t("platform.wl.plan_margins"),
      ],
    })),
    templates: templates.map((tpl) => ({
      id: tpl.id,
      name: tpl.name,
      description: getTheme(tpl.slug)?.manifest.description[f.lang] ?? tpl.description ?? "",
      selected: String(tpl.id) === wantedTemplate,
      demoHref: `/white-label/themes/${encodeURIComponent(tpl.slug)}/demo`,
    })),
    cycles: ["monthly", "yearly"].map((v) => ({ value: v, label: f.t(`platform.wl.cycle.${v}`), selected: v === wantedCycle })),
  };
}

export async function sitesData(ctx: Ctx, f: Fmt, page: number): Promise<{ data: SitesData; pages: number }> {
  const result = await listMySites(ctx, { page, per_page: 20 });
  const pages = Math.max(1, Math.ceil(result.total / 20));
  return {
    pages,
    data: {
      sites: result.rows.map((s) => ({
        name: s.name,
        href: `/white-label/sites/${s.uuid}`,
        url: s.url,
        status: siteStatusBadge(s.status, f.t),
        plan: s.plan.name ?? "",
        expires: displayDate(s.expires_at, f.lang),
        domain: s.custom_domain ?? `${s.slug}.${ctx.config.SITES_DOMAIN}`,
      })),
      pagination:
        pages > 1
          ? {
              page,
              pages,
              prevHref: page > 1 ? `/white-label/sites?page=${page - 1}` : null,
              nextHref: page < pages ? `/white-label/sites?page=${page + 1}` : null,
            }
          : null,
    },
  };
}

async function openTickets(ctx: Ctx) {
  const base = inTenant(ctx).selectFrom("tickets").where("tickets.status", "!=", "closed");
  return ticketRows(base).orderBy("tickets.updated_at", "desc").orderBy("tickets.id", "desc").limit(10).execute();
}

const DONE = ["purchased", "branding", "domain", "domain_verified", "approved", "rejected", "currency"];

/** The management page of one of the caller's sites. Money shown in the site's currency, as its customers see it. */
export async function sitePageData(ctx: Ctx, site: Site, f: Fmt, state: Partial<FormState>, done: string | undefined): Promise<SitePageData> {
  const siteCtx = siteTenantCtx(ctx, site);
  const details = await siteDetails(ctx, site);
  const money = (m: number) => displayMoney(m, site.currency, f.lang);
  const [stats, deposits, orders, tickets, canTakeDeposits, currency] = await Promise.all([
    siteStats(siteCtx, site.currency),
    listLedger(siteCtx, { type: "deposit", status: "pending", page: 1, per_page: 20 }),
    listSiteOrders(siteCtx, { page: 1, per_page: 10 }),
    openTickets(siteCtx),
    takesDeposits(siteCtx),
    currencySection(ctx, site, f, state.values),
  ]);
  const base = `/white-label/sites/${site.uuid}`;
  const branding = effectiveBranding(details.template.slug ?? "", site.branding);
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  const domainState = details.domain.status;
  const domainAllowed = !("allows_custom_domain" in details.plan) || details.plan.allows_custom_domain !== false;
  const checks = [
    {
      label: f.t("platform.wl.check.method"),
      done: canTakeDeposits,
      href: `${base}/payment-methods`,
      hint: canTakeDeposits ? null : f.t("platform.wl.check.method_todo"),
    },
    { label: f.t("platform.wl.check.branding"), done: Boolean(details.branding.logo_url || str(branding.tagline)), href: "#branding-title", hint: null },
    { label: f.t("platform.wl.check.margin"), done: site.default_margin_bp > 0, href: "#margin-title", hint: null },
    ...(domainAllowed ? [{ label: f.t("platform.wl.check.domain"), done: domainState === "verified", href: "#domain-title", hint: null }] : []),
  ];
  return {
    values: {
      name: site.name,
      tagline: str(branding.tagline),
      primary_color: str(branding.primary_color),
      accent_color: str(branding.accent_color),
      custom_domain: site.custom_domain ?? "",
      default_margin: details.pricing.default_margin,
      ...state.values,
    },
    errors: state.errors ?? {},
    uuid: site.uuid,
    name: site.name,
    status: siteStatusBadge(site.status, f.t),
    url: details.url,
    subdomainUrl: details.subdomain_url,
    plan: details.plan.name ?? "",
    template: details.template.name ?? "",
    expires: displayDate(site.expires_at, f.lang),
    cycle: details.subscription ? f.t(`platform.wl.cycle.${details.subscription.billing_cycle}`) : "—",
    notice: done && DONE.includes(done) ? f.t(`platform.wl.done.${done}`) : null,
    stats: [
      { label: f.t("platform.wl.stat.customers"), value: displayNumber(stats.customers.total, f.lang) },
      { label: f.t("platform.wl.stat.orders"), value: displayNumber(stats.orders.all_time.count, f.lang) },
      { label: f.t("platform.wl.stat.revenue"), value: money(stats.orders.all_time.revenue) },
      { label: f.t("platform.wl.stat.profit"), value: money(stats.orders.all_time.profit) },
      { label: f.t("platform.wl.stat.pending_deposits"), value: displayNumber(stats.pendingDeposits.count, f.lang) },
      { label: f.t("platform.wl.stat.open_tickets"), value: displayNumber(stats.openTickets, f.lang) },
    ],
    domain: {
      allowed: domainAllowed,
      current: site.custom_domain,
      verified: domainState === "verified",
      state: {
        tone: domainState === "verified" ? "success" : domainState === "pending" ? "pending" : "muted",
        label: f.t(`platform.wl.domain_state.${domainState}`),
      },
      txtName: details.domain.txt_record?.name ?? null,
      txtValue: details.domain.txt_record?.value ?? null,
      action: `${base}/domain`,
      verifyAction: `${base}/domain/verify`,
    },
    branding: {
      action: `${base}/branding`,
      logoUrl: details.branding.logo_url,
      languages: ["fr", "en"].map((v) => ({ value: v, label: f.t(`lang.${v}`), selected: (state.values?.language ?? site.language) === v })),
    },
    margin: { action: `${base}/pricing/preview`, pricingHref: `${base}/pricing` },
    currency,
    deposits: deposits.rows.map((d) => ({
      id: d.id,
      customer: d.username ?? `#${d.user_id}`,
      amount: money(Number(d.amount)),
      gross: money(Number(d.amount) + Number(d.fee)),
      method: d.payment_method_name ?? "—",
      reference: d.reference ?? "—",
      createdAt: displayDate(d.created_at, f.lang),
      action: `${base}/deposits/${d.id}`,
    })),
    orders: orders.rows.map((o) => ({
      short: orderLabel(o),
      customer: o.username ?? `#${o.user_id}`,
      service: o.service_name ?? `#${o.service_id}`,
      sitePrice: money(Number(o.site_price ?? o.charge)),
      // In the site's currency, at the order's rate (the platform charge itself is in the platform currency).
      cost: (o.site_cost ?? o.reseller_cost) == null ? "—" : money(Number(o.site_cost ?? o.reseller_cost)),
      profit: o.profit == null ? "—" : money(Number(o.profit)),
      status: statusBadge("order", o.status, f.t),
      createdAt: displayDate(o.created_at, f.lang),
    })),
    tickets: tickets.map((tk) => ({
      subject: tk.subject,
      href: `${base}/tickets/${tk.uuid}`,
      customer: tk.username ?? `#${tk.user_id}`,
      status: statusBadge("ticket", tk.status, f.t),
      lastActivity: displayDate(tk.last_reply_at ?? tk.created_at, f.lang),
    })),
    ticketsHref: `${base}/tickets`,
    customersHref: `${base}/customers`,
    subscription: { href: `${base}/subscription`, label: t(f.lang, "sub.link") },
    apiBase: `/api/white-label/sites/${site.uuid}`,
    checklist: checks.every((c) => c.done) ? null : checks,
    tabsBase: base,
  };
}
