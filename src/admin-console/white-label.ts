import { Hono, type Context } from "hono";
import type { z } from "zod";
import { parseInput } from "../core/validate.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { parseMoney } from "../money/money.ts";
import { getSetting } from "../settings/service.ts";
import { UUID_SEGMENT } from "../lib/uuid.ts";
import { requireCsrf } from "../storefront/csrf.ts";
import { displayDate, displayMoney, displayNumber } from "../storefront/format.ts";
import type { Storefront } from "../storefront/respond.ts";
import { paginationView } from "../storefront/view.ts";
import { listPlansForAdmin, listSitesForAdmin, listSubscriptionsForAdmin, siteDetailsForAdmin, siteForAdmin, toggleSiteStatus } from "../white-label/admin.ts";
import { extendSiteRenewal, invoiceForAdmin, listInvoicesForAdmin } from "../white-label/admin-manage.ts";
import { invoiceSheet } from "../white-label/invoices.ts";
import { adminInvoicesQuery, adminSitesQuery, adminSubscriptionsQuery, extendSchema } from "../white-label/schema.ts";
import { consolePage, type ConsoleFormat } from "./frame.ts";
import { sectionsFor } from "./sections.ts";
import { carried, formFields, refusedFields, translatedErrors, type Confirmation, type Errors, type Fields } from "./white-label-forms.ts";

const SITE_STATUSES = ["active", "grace", "suspended", "disabled"] as const;
const SUB_STATUSES = ["active", "grace", "suspended", "canceled"] as const;
const DAY_MS = 86_400_000;

const siteStatus = (f: ConsoleFormat, s: string) =>
  (SITE_STATUSES as readonly string[]).includes(s) ? f.tx(`admin.wl.site_status.${s as (typeof SITE_STATUSES)[number]}`) : s;
const subStatus = (f: ConsoleFormat, s: string) =>
  (SUB_STATUSES as readonly string[]).includes(s) ? f.tx(`admin.wl.sub_status.${s as (typeof SUB_STATUSES)[number]}`) : s;
const cycle = (f: ConsoleFormat, c: string | null) => (c === "yearly" ? f.tx("admin.wl.yearly") : c === "monthly" ? f.tx("admin.wl.monthly") : "—");
const money = (f: ConsoleFormat, decimal: string, currency: string) => displayMoney(parseMoney(decimal) ?? 0, currency, f.lang);

/** The section's own tabs: sites, plans and templates, subscriptions, invoices. */
export function whiteLabelTabs(f: ConsoleFormat, active: "sites" | "plans" | "subscriptions" | "invoices") {
  const tab = (id: typeof active, href: string, label: MessageKey) => ({ label: f.tx(label), href, active: id === active });
  return [
    tab("sites", "/admin/white-label", "admin.wl.tab.sites"),
    tab("plans", "/admin/white-label/plans", "admin.wl.tab.plans"),
    tab("subscriptions", "/admin/white-label/subscriptions", "admin.wl.tab.subscriptions"),
    tab("invoices", "/admin/white-label/invoices", "admin.wl.tab.invoices"),
  ];
}

/** A list's filters from the query: what the admin query accepts is kept, anything it refuses is dropped. */
function listQuery<S extends z.ZodType>(schema: S, raw: Record<string, string>, names: string[]): z.infer<S> {
  const wanted = Object.fromEntries(Object.entries(raw).filter(([k, v]) => [...names, "page"].includes(k) && v !== ""));
  const parsed = schema.safeParse({ ...wanted, per_page: "20" });
  if (parsed.success) return parsed.data;
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  return parseInput(schema, { ...Object.fromEntries(Object.entries(wanted).filter(([k]) => !bad.has(k))), per_page: "20" });
}

const keptFilters = (c: Context<AppEnv>, names: string[]) =>
  new URLSearchParams([...new URL(c.req.url).searchParams].filter(([k, v]) => names.includes(k) && v));
const pages = (p: { page: number; total: number; per_page: number }, path: string, keep: URLSearchParams) =>
  paginationView(p.page, Math.max(1, Math.ceil(p.total / p.per_page)), path, keep);

/** The White label section: sites and their actions, subscriptions, invoices (plans and templates: white-label-plans.ts). */
export function whiteLabelConsolePages(sf: Storefront) {
  const app = new Hono<AppEnv>();

  app.get("/admin/white-label", (c) =>
    consolePage(c, sf, { id: "admin-wl-sites", section: "white-label", heading: "admin.wl.sites_title" }, async (f) => {
      const names = ["status", "plan_id", "owner", "search"];
      const q = listQuery(adminSitesQuery, c.req.query(), names);
      const ctx = ctxOf(c);
      const [page, plans] = await Promise.all([listSitesForAdmin(ctx, q), listPlansForAdmin(ctx)]);
      const rows = page.rows as Awaited<ReturnType<typeof siteDetailsForAdmin>>[];
      return {
        tabs: whiteLabelTabs(f, "sites"),
        filters: {
          search: q.search ?? "",
          owner: q.owner ?? "",
          status: SITE_STATUSES.map((s) => ({ value: s, label: siteStatus(f, s), selected: q.status === s })),
          plan: plans.map((p) => ({ value: String(p.id), label: p.name, selected: q.plan_id === p.id })),
        },
        count: f.tx("admin.wl.sites_count", { count: page.total }),
        sites: rows.map((s) => ({
          href: `/admin/white-label/sites/${s.id}`,
          name: s.name,
          host: s.custom_domain ?? s.slug,
          owner: s.owner?.username ?? "—",
          plan: s.plan && "name" in s.plan ? s.plan.name : "—",
          status: siteStatus(f, s.status),
          warn: s.status !== "active",
          expires: displayDate(s.expires_at, f.lang),
        })),
        pagination: pages(page, "/admin/white-label", keptFilters(c, names)),
      };
    }),
  );

  const sitePage = (c: Context<AppEnv>, id: string, state: { values?: Fields; errors?: Errors; status?: number } = {}) =>
    consolePage(c, sf, { id: "admin-wl-site", section: "white-label", heading: "admin.wl.site_title", status: state.status }, async (f) => {
      const ctx = ctxOf(c);
      const s = await siteDetailsForAdmin(ctx, await siteForAdmin(ctx, id));
      const sub = s.subscription;
      const usersPage = sectionsFor(c.get("user")?.role ?? "user").some((x) => x.id === "users");
      const done = c.req.query("done");
      return {
        tabs: whiteLabelTabs(f, "sites"),
        id: s.id,
        name: s.name,
        url: s.url,
        status: siteStatus(f, s.status),
        warn: s.status !== "active",
        disabled: s.status === "disabled",
        unpaid: s.status === "grace" || s.status === "suspended",
        owner: s.owner ? { name: s.owner.username, email: s.owner.email, href: usersPage ? `/admin/users/${s.owner.id}` : null } : null,
        plan: s.plan && "name" in s.plan ? s.plan.name : "—",
        template: s.template && "name" in s.template ? s.template.name : "—",
        domain: s.domain.custom_domain
          ? `${s.domain.custom_domain} · ${f.tx(s.domain.status === "verified" ? "admin.wl.domain_verified" : "admin.wl.domain_pending")}`
          : f.tx("admin.wl.domain_none"),
        subdomain: s.urls.subdomain,
        figures: [
          { label: f.tx("admin.wl.customers"), value: displayNumber(s.counts.customers, f.lang) },
          { label: f.tx("admin.wl.orders"), value: displayNumber(s.counts.orders, f.lang) },
          { label: f.tx("admin.wl.price"), value: sub ? `${money(f, sub.price, sub.currency)} / ${cycle(f, sub.billing_cycle)}` : "—" },
          { label: f.tx("admin.wl.renewal"), value: displayDate(sub?.current_period_end ?? s.expires_at, f.lang) },
        ],
        subscription: sub
          ? {
              status: subStatus(f, sub.status),
              start: displayDate(sub.current_period_start, f.lang),
              grace: sub.grace_until ? displayDate(sub.grace_until, f.lang) : null,
            }
          : null,
        history: s.subscriptions.map((x) => ({
          status: subStatus(f, x.status),
          price: `${money(f, x.price, x.currency)} / ${cycle(f, x.billing_cycle)}`,
          period: `${displayDate(x.current_period_start, f.lang)} → ${displayDate(x.current_period_end, f.lang)}`,
        })),
        days: state.values?.days ?? "30",
        errors: translatedErrors(f, state.errors),
        done: done === "extended" || done === "disabled" || done === "enabled" ? f.tx(`admin.wl.done.${done}`) : null,
      };
    });

  const sitePath = "/admin/white-label/sites/:id{[0-9]+}";
  app.get(sitePath, (c) => sitePage(c, c.req.param("id")));

  app.post(`${sitePath}/toggle-status`, requireCsrf, async (c) => {
    const ctx = ctxOf(c);
    const site = await toggleSiteStatus(ctx, await siteForAdmin(ctx, c.req.param("id")));
    return c.redirect(`/admin/white-label/sites/${site.id}?done=${site.status === "disabled" ? "disabled" : "enabled"}`, 303);
  });

  // Extending is asked twice: the first post shows the new renewal date, the second (confirm=1) gives the days.
  app.post(`${sitePath}/extend`, requireCsrf, async (c) => {
    const ctx = ctxOf(c);
    const id = c.req.param("id");
    const fields = await formFields(c);
    let days: number;
    try {
      days = parseInput(extendSchema, { days: fields.days ?? "" }).days;
    } catch (err) {
      return sitePage(c, id, { values: fields, errors: refusedFields(err, { days: "admin.wl.error.days" }), status: 422 });
    }
    const site = await siteForAdmin(ctx, id);
    if (fields.confirm === "1") {
      try {
        await extendSiteRenewal(ctx, site, days);
      } catch (err) {
        return sitePage(c, id, { values: fields, errors: refusedFields(err, { days: "admin.wl.error.no_subscription" }), status: 422 });
      }
      return c.redirect(`/admin/white-label/sites/${site.id}?done=extended`, 303);
    }
    return consolePage(c, sf, { id: "admin-wl-confirm", section: "white-label", heading: "admin.wl.confirm_title" }, async (f): Promise<Confirmation> => {
      const details = await siteDetailsForAdmin(ctx, site);
      const end = details.subscription?.current_period_end ?? details.expires_at;
      const next = end ? new Date(new Date(end).getTime() + days * DAY_MS).toISOString() : null;
      return {
        title: f.tx("admin.wl.extend_confirm", { site: site.name, days }),
        lines: [
          { label: f.tx("admin.wl.renewal_now"), value: displayDate(end, f.lang) },
          { label: f.tx("admin.wl.renewal_new"), value: displayDate(next, f.lang) },
          {
            label: f.tx("admin.wl.unbilled"),
            value: details.subscription
              ? `${money(f, details.subscription.price, details.subscription.currency)} / ${cycle(f, details.subscription.billing_cycle)}`
              : "—",
          },
        ],
        consequence: f.tx("admin.wl.extend_consequence"),
        action: `/admin/white-label/sites/${site.id}/extend`,
        fields: carried(fields),
        submit: f.tx("admin.wl.extend_submit"),
        back: `/admin/white-label/sites/${site.id}`,
      };
    });
  });

  app.get("/admin/white-label/subscriptions", (c) =>
    consolePage(c, sf, { id: "admin-wl-subscriptions", section: "white-label", heading: "admin.wl.subscriptions_title" }, async (f) => {
      const names = ["status"];
      const q = listQuery(adminSubscriptionsQuery, c.req.query(), names);
      const page = await listSubscriptionsForAdmin(ctxOf(c), q);
      const rows = page.rows as (Awaited<ReturnType<typeof siteDetailsForAdmin>>["subscriptions"][number] & {
        id: number;
        site: { id: number; name: string } | null;
        user: { username: string } | null;
      })[];
      return {
        tabs: whiteLabelTabs(f, "subscriptions"),
        filters: { status: SUB_STATUSES.map((s) => ({ value: s, label: subStatus(f, s), selected: q.status === s })) },
        count: f.tx("admin.wl.subscriptions_count", { count: page.total }),
        subscriptions: rows.map((s) => ({
          site: s.site?.name ?? "—",
          href: s.site ? `/admin/white-label/sites/${s.site.id}` : null,
          owner: s.user?.username ?? "—",
          status: subStatus(f, s.status),
          warn: s.status !== "active",
          price: `${money(f, s.price, s.currency)} / ${cycle(f, s.billing_cycle)}`,
          end: displayDate(s.current_period_end, f.lang),
        })),
        pagination: pages(page, "/admin/white-label/subscriptions", keptFilters(c, names)),
      };
    }),
  );

  app.get("/admin/white-label/invoices", (c) =>
    consolePage(c, sf, { id: "admin-wl-invoices", section: "white-label", heading: "admin.wl.invoices_title" }, async (f) => {
      const names = ["search"];
      const q = listQuery(adminInvoicesQuery, c.req.query(), names);
      const page = await listInvoicesForAdmin(ctxOf(c), q);
      return {
        tabs: whiteLabelTabs(f, "invoices"),
        search: q.search ?? "",
        count: f.tx("admin.wl.invoices_count", { count: page.total }),
        invoices: page.rows.map((i) => ({
          href: `/admin/white-label/invoices/${i.uuid}`,
          number: i.number,
          customer: i.customer?.username ?? "—",
          site: i.site.name ?? "—",
          amount: money(f, i.amount, i.currency),
          date: displayDate(i.issued_at, f.lang),
        })),
        pagination: pages(page, "/admin/white-label/invoices", keptFilters(c, names)),
      };
    }),
  );

  app.get(`/admin/white-label/invoices/:uuid{${UUID_SEGMENT}}`, (c) =>
    consolePage(c, sf, { id: "admin-wl-invoice", section: "white-label", heading: "admin.wl.invoice_title" }, async (f) => {
      const i = await invoiceForAdmin(ctxOf(c), c.req.param("uuid"));
      // The one printed invoice, as the owner's page shows it (src/white-label/invoices.ts).
      return { tabs: whiteLabelTabs(f, "invoices"), sheet: invoiceSheet(i, await getSetting(ctxOf(c), "site_name"), f.lang) };
    }),
  );

  return app;
}
