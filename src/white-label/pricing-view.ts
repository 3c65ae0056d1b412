import type { Ctx } from "../context.ts";
import type { Site } from "../db/schema.ts";
import type { Lang } from "../i18n/lang.ts";
import { categoryNameIn, serviceSearch, serviceTextIn } from "../catalog/category-names.ts";
import { siteCatalogue, siteRules, type SiteCatalogueLine } from "../catalog/prices.ts";
import { formatMoney, formatPercent } from "../money/money.ts";
import { markupBp, type SiteRule } from "../pricing/pricing.ts";
import { displayPercent, displayRate } from "../storefront/format.ts";
import type { PaginationView, Translate } from "../storefront/view-models.ts";
import { paginationView } from "../storefront/view.ts";
import type { PricingPreview } from "./pricing.ts";

const SERVICES_PER_PAGE = 20;
const CATEGORIES_PER_PAGE = 10;
const PREVIEW_PER_PAGE = 25;

/** What the listing shows: a platform, a category, a search and the two page numbers (services, categories). */
export interface PricingFilters {
  platform: string;
  category: number | null;
  q: string;
  page: number;
  cpage: number;
}

const pageNumber = (v: string | undefined) => {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
};

/** The filters from a query string or from the `f_*` fields a form carries back. */
export function readFilters(get: (name: string) => string | undefined): PricingFilters {
  const category = Number(get("category"));
  return {
    platform: (get("platform") ?? "").trim().slice(0, 50),
    category: Number.isInteger(category) && category > 0 ? category : null,
    q: (get("q") ?? "").trim().slice(0, 100),
    page: pageNumber(get("page")),
    cpage: pageNumber(get("cpage")),
  };
}

/** The filters as query parameters (defaults left out). */
export function filterQuery(f: PricingFilters): URLSearchParams {
  const q = new URLSearchParams();
  if (f.platform) q.set("platform", f.platform);
  if (f.category) q.set("category", String(f.category));
  if (f.q) q.set("q", f.q);
  if (f.page > 1) q.set("page", String(f.page));
  if (f.cpage > 1) q.set("cpage", String(f.cpage));
  return q;
}

/** The filters as hidden fields, so that a form's answer shows the same listing. */
function filterFields(f: PricingFilters): { name: string; value: string }[] {
  return [...filterQuery(f)].map(([name, value]) => ({ name: `f_${name}`, value }));
}

export type RuleKind = "inherit" | "margin" | "fixed" | "hidden";

/** One change from a form of the pricing page: the default margin, or one category's or service's rule. */
export interface PricingChange {
  scope: "default" | "category" | "service";
  target: number;
  kind: RuleKind;
  value: string;
}

/** The change in words, for the preview's heading: "Marge de la catégorie Instagram : 50 %". */
export async function describeChange(ctx: Ctx, site: Site, lang: Lang, t: Translate, c: PricingChange): Promise<string> {
  if (c.scope === "default") return t("platform.wl.pr.change.default", { value: c.value });
  const line = (await siteCatalogue(ctx, site)).find((l) => (c.scope === "category" ? l.category_id : l.id) === c.target);
  const name = !line
    ? `#${c.target}`
    : c.scope === "category"
      ? categoryNameIn(lang, { name: line.category_name, name_fr: line.category_name_fr, name_en: line.category_name_en })
      : serviceTextIn(lang, line).name;
  return t(`platform.wl.pr.change.${c.scope}.${c.kind}`, { name, value: c.value });
}

/** A form's state after a refused change: which form, what was typed, the messages by field. */
export interface PricingFormState {
  form: string;
  values: { kind: string; value: string };
  errors: Record<string, string[]>;
}

interface RowForm {
  key: string;
  kind: string;
  value: string;
  kinds: { value: RuleKind; label: string; selected: boolean }[];
  errors: Record<string, string[]>;
}

function storedKind(rule: SiteRule | undefined): { kind: RuleKind; value: string } {
  if (!rule) return { kind: "inherit", value: "" };
  if (rule.hidden) return { kind: "hidden", value: "" };
  if (rule.fixedRate != null) return { kind: "fixed", value: formatMoney(rule.fixedRate, 0) };
  if (rule.marginBp != null) return { kind: "margin", value: formatPercent(rule.marginBp) };
  return { kind: "inherit", value: "" };
}

function rowForm(key: string, rule: SiteRule | undefined, kinds: RuleKind[], t: Translate, state?: PricingFormState): RowForm {
  const mine = state?.form === key ? state : undefined;
  const stored = storedKind(rule);
  const kind = mine?.values.kind ?? stored.kind;
  return {
    key,
    kind,
    value: mine ? mine.values.value : stored.value,
    kinds: kinds.map((k) => ({ value: k, label: t(`platform.wl.pr.kind.${k}`), selected: k === kind })),
    errors: mine?.errors ?? {},
  };
}

/** A stored rule in words: "Marge 40 %", "Prix fixe 1 500 F CFA / 1000", "Masqué", or "Hérite". */
function ruleLabel(rule: SiteRule | undefined, currency: string, lang: Lang, t: Translate): string {
  const { kind } = storedKind(rule);
  if (kind === "margin") return t("platform.wl.pr.rule.margin", { margin: displayPercent(rule!.marginBp!, lang) });
  if (kind === "fixed") return t("platform.wl.pr.rule.fixed", { price: displayRate(rule!.fixedRate!, currency, lang) });
  return t(`platform.wl.pr.rule.${kind}`);
}

/** Price, margin in money and in % of a line, formatted; none when hidden. */
function figures(line: { cost: number; rate: number }, hidden: boolean, currency: string, lang: Lang) {
  if (hidden) return { price: null, margin: null, marginPct: null };
  const bp = markupBp(line.cost, line.rate);
  return {
    price: displayRate(line.rate, currency, lang),
    margin: displayRate(line.rate - line.cost, currency, lang),
    marginPct: bp === null ? "—" : displayPercent(bp, lang),
  };
}

/** The pricing page: the default margin, the categories (by platform) and one page of services, each with its rule and form. */
export async function pricingPageData(ctx: Ctx, site: Site, lang: Lang, t: Translate, filters: PricingFilters, state?: PricingFormState) {
  const [lines, rules] = await Promise.all([siteCatalogue(ctx, site), siteRules(ctx, site.id)]);
  const base = `/white-label/sites/${site.uuid}/pricing`;
  const money = (m: number) => displayRate(m, site.currency, lang);

  const platforms = [...new Set(lines.map((l) => l.platform))].sort();
  const byCategory = new Map<number, { line: SiteCatalogueLine; count: number }>();
  for (const l of lines) {
    const seen = byCategory.get(l.category_id);
    if (seen) seen.count++;
    else byCategory.set(l.category_id, { line: l, count: 1 });
  }
  const inPlatform = (l: SiteCatalogueLine) => !filters.platform || l.platform === filters.platform;
  const categoryChoices = [...byCategory.values()].filter((c) => inPlatform(c.line));
  const shownCategories = categoryChoices.filter((c) => !filters.category || c.line.category_id === filters.category);
  const cpages = Math.max(1, Math.ceil(shownCategories.length / CATEGORIES_PER_PAGE));
  const cpage = Math.min(filters.cpage, cpages);

  const search = serviceSearch(filters.q);
  const matching = lines.filter((l) => inPlatform(l) && (!filters.category || l.category_id === filters.category) && search(l));
  const pages = Math.max(1, Math.ceil(matching.length / SERVICES_PER_PAGE));
  const page = Math.min(filters.page, pages);
  const query = filterQuery({ ...filters, page, cpage });
  const here = { ...filters, page, cpage };

  const levelLabel = (l: SiteCatalogueLine) => t(`platform.wl.pr.level.${l.level}`);
  const defaultForm = rowForm("default", { marginBp: site.default_margin_bp, fixedRate: null }, ["margin"], t, state);
  return {
    back: `/white-label/sites/${site.uuid}`,
    self: base,
    previewAction: `${base}/preview`,
    carry: filterFields(here),
    filters: {
      q: filters.q,
      platforms: platforms.map((p) => ({ value: p, label: p, selected: p === filters.platform })),
      categories: categoryChoices.map((c) => ({
        value: String(c.line.category_id),
        label: categoryNameIn(lang, { name: c.line.category_name, name_fr: c.line.category_name_fr, name_en: c.line.category_name_en }),
        selected: c.line.category_id === filters.category,
      })),
      active: Boolean(filters.platform || filters.category || filters.q),
    },
    defaultMargin: { ...defaultForm, current: displayPercent(site.default_margin_bp, lang) },
    categories: shownCategories.slice((cpage - 1) * CATEGORIES_PER_PAGE, cpage * CATEGORIES_PER_PAGE).map(({ line, count }) => {
      const rule = rules.category.get(line.category_id);
      return {
        id: line.category_id,
        name: categoryNameIn(lang, { name: line.category_name, name_fr: line.category_name_fr, name_en: line.category_name_en }),
        platform: line.platform,
        count,
        rule: ruleLabel(rule, site.currency, lang, t),
        servicesHref: `${base}?${filterQuery({ platform: line.platform, category: line.category_id, q: "", page: 1, cpage: 1 })}#services-title`,
        form: rowForm(`category-${line.category_id}`, rule, ["inherit", "margin", "hidden"], t, state),
      };
    }),
    categoriesPagination: pagerWith(cpage, cpages, base, query, "cpage"),
    services: matching.slice((page - 1) * SERVICES_PER_PAGE, page * SERVICES_PER_PAGE).map((l) => {
      const rule = rules.service.get(l.id);
      return {
        id: l.id,
        name: serviceTextIn(lang, l).name,
        category: categoryNameIn(lang, { name: l.category_name, name_fr: l.category_name_fr, name_en: l.category_name_en }),
        cost: money(l.site_cost),
        ...figures({ cost: l.site_cost, rate: l.rate }, l.hidden, site.currency, lang),
        hidden: l.hidden,
        belowCost: !l.hidden && l.rate < l.site_cost,
        rule: ruleLabel(rule, site.currency, lang, t),
        level: levelLabel(l),
        form: rowForm(`service-${l.id}`, rule, ["inherit", "margin", "fixed", "hidden"], t, state),
      };
    }),
    servicesCount: matching.length,
    pagination: paginationView(page, pages, base, query),
    currency: site.currency,
    errors: state?.errors ?? {},
    /** The field in error, to jump to from the message at the top. */
    errorHref: state?.errors.value ? `#${state.form}-value` : null,
    values: {},
  };
}

/** paginationView over another page parameter (the categories' `cpage`). */
function pagerWith(page: number, pages: number, path: string, query: URLSearchParams, param: string): PaginationView | null {
  if (pages <= 1) return null;
  const link = (n: number) => {
    const q = new URLSearchParams(query);
    if (n > 1) q.set(param, String(n));
    else q.delete(param);
    const s = q.toString();
    return `${path}${s ? `?${s}` : ""}#categories-title`;
  };
  return { page, pages, prevHref: page > 1 ? link(page - 1) : null, nextHref: page < pages ? link(page + 1) : null };
}

/** The preview page: the change in words, the totals, one page of changed services before → after, Confirm / Back. */
export function previewPageData(
  site: Site,
  lang: Lang,
  t: Translate,
  preview: PricingPreview,
  change: { description: string; fields: { name: string; value: string }[] },
  filters: PricingFilters,
  previewPage: number,
) {
  const base = `/white-label/sites/${site.uuid}/pricing`;
  const money = (m: number) => displayRate(m, site.currency, lang);
  const pages = Math.max(1, Math.ceil(preview.lines.length / PREVIEW_PER_PAGE));
  const page = Math.min(Math.max(1, previewPage), pages);
  const q = filterQuery(filters).toString();
  return {
    back: `${base}${q ? `?${q}` : ""}`,
    confirmAction: `${base}/confirm`,
    previewAction: `${base}/preview`,
    fields: [...change.fields, ...filterFields(filters)],
    description: change.description,
    affected: preview.lines.length,
    belowCost: preview.belowCost,
    hiddenNow: preview.hiddenNow,
    shownNow: preview.shownNow,
    lines: preview.lines.slice((page - 1) * PREVIEW_PER_PAGE, page * PREVIEW_PER_PAGE).map((l) => ({
      id: l.service.id,
      name: serviceTextIn(lang, l.service).name,
      category: categoryNameIn(lang, { name: l.service.category_name, name_fr: l.service.category_name_fr, name_en: l.service.category_name_en }),
      cost: money(l.service.site_cost),
      before: l.before.hidden ? t("platform.wl.pr.hidden") : money(l.before.rate),
      after: l.after.hidden ? t("platform.wl.pr.hidden") : money(l.after.rate),
      ...figures({ cost: l.service.site_cost, rate: l.after.rate }, l.after.hidden, site.currency, lang),
      warning: l.warning ? t(`platform.wl.pr.warning.${l.warning}`) : null,
    })),
    pager: pages > 1 ? { page, pages, prev: page > 1 ? page - 1 : null, next: page < pages ? page + 1 : null } : null,
  };
}
