import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { Ctx } from "../context.ts";
import type { Site, User } from "../db/schema.ts";
import { getSettings } from "../settings/service.ts";
import { tenantBaseUrl } from "../tenancy/urls.ts";
import { inTenant } from "../tenancy/scoped.ts";
import { methodPayable } from "../wallet/view.ts";
import { assetUrl } from "./assets.ts";
import type { VersionedCache } from "../tenancy/versioned-cache.ts";
import { displayMoney } from "./format.ts";
import { brandCss } from "./render.ts";
import {
  DEFAULT_SITE_THEME,
  PLATFORM_THEME,
  PLATFORM_UPLOADS,
  cleanSettings,
  getTheme,
  parseStoredBranding,
  type BrandingSettings,
  type Theme,
} from "./themes.ts";
import { LANGS, isLang, type Lang } from "../i18n/lang.ts";
import { translator } from "../i18n/catalogue.ts";
import { isStaff } from "../auth/roles.ts";
import { PLATFORM_TENANT_ID } from "../core/tenant-id.ts";
import type { AnyPageId, FlashView, LinkView, PageView, PaginationView, OwnerBarView, PreviewView, SiteView } from "./view-models.ts";

/** What a tenant looks like, independent of the visitor: theme, validated settings, names, URLs. */
export interface Look {
  theme: Theme;
  settings: BrandingSettings;
  name: string;
  logoUrl: string | null;
  faviconUrl: string;
  /** Changes whenever what the home-screen icons are drawn from (name, colours, logo) changes. */
  iconVersion: string;
  baseUrl: string;
  defaultLanguage: Lang;
  currency: string;
  brandCss: string;
  /** The names of the tenant's active payment methods, in their order: what the home page may promise. */
  paymentMethods: string[];
}

async function themeSlugOf(ctx: Ctx, cache: VersionedCache, templateId: number): Promise<string> {
  const slug = await cache.memo(`template:${templateId}`, async () => {
    const row = await ctx.db.selectFrom("white_label_templates").select("slug").where("id", "=", templateId).executeTakeFirst();
    return row?.slug ?? DEFAULT_SITE_THEME;
  });
  const theme = getTheme(slug);
  return theme && !theme.manifest.platform_only ? slug : DEFAULT_SITE_THEME;
}

/** The names of the tenant's active, payable deposit methods, in their order. */
async function paymentMethodNames(ctx: Ctx): Promise<string[]> {
  return (
    await inTenant(ctx)
      .selectFrom("payment_methods")
      .select(["name", "type", "account_number", "instructions_fr", "instructions_en"])
      .where("is_active", "=", 1)
      .orderBy("sort_order")
      .orderBy("id")
      .execute()
  )
    .filter(methodPayable)
    .map((m) => m.name);
}

/** The tenant's look, cached until its site row, a site event or the TTL says otherwise. */
export async function tenantLook(ctx: Ctx, cache: VersionedCache): Promise<Look> {
  return cache.memo(`look:${cache.stamp(ctx.tenant)}`, async () => {
    const tenant = ctx.tenant;
    if (tenant.kind === "platform") {
      const s = await getSettings(ctx);
      const theme = getTheme(PLATFORM_THEME)!;
      const settings = cleanSettings(theme, parseStoredBranding(s.platform_branding ?? null));
      const name = s.site_name || ctx.config.APP_NAME;
      const logoUrl = platformLogoUrl(ctx.config.DATA_DIR);
      return {
        theme,
        settings,
        name,
        logoUrl,
        faviconUrl: "/favicon.ico",
        iconVersion: iconVersion(name, settings, logoUrl),
        baseUrl: tenantBaseUrl(ctx.config, tenant),
        defaultLanguage: isLang(s.default_language) ? s.default_language : "fr",
        currency: s.currency || "XOF",
        brandCss: brandCss(settings, colorIds(theme)),
        paymentMethods: await paymentMethodNames(ctx),
      };
    }
    return siteLook(ctx, getTheme(await themeSlugOf(ctx, cache, tenant.site.template_id))!);
  });
}

/**
 * A site's look in a given theme: its stored branding cleaned by that theme (what a switch to it
 * would show), its name, logo, language, currency and deposit methods. `ctx.tenant` is the site.
 */
export async function siteLook(ctx: Ctx, theme: Theme, logoUrlOf: (site: Site, logo: string) => string = siteLogoUrl): Promise<Look> {
  const tenant = ctx.tenant;
  if (tenant.kind !== "site") throw new Error("siteLook needs a site tenant");
  const site = tenant.site;
  const settings = cleanSettings(theme, parseStoredBranding(site.branding));
  const logo = site.logo_path?.split(/[\\/]/).pop() ?? "";
  const logoUrl = LOGO_FILE.test(logo) ? logoUrlOf(site, logo) : null;
  return {
    theme,
    settings,
    name: site.name,
    baseUrl: tenantBaseUrl(ctx.config, tenant),
    logoUrl,
    faviconUrl: `/favicon.ico?v=${site.content_version}`,
    iconVersion: iconVersion(site.name, settings, logoUrl),
    defaultLanguage: isLang(site.language) ? site.language : "fr",
    currency: /^[A-Z]{3}$/.test(site.currency) ? site.currency : "XOF",
    brandCss: brandCss(settings, colorIds(theme)),
    paymentMethods: await paymentMethodNames(ctx),
  };
}

/** The uploaded logo's file name as stored pages may link it (raster images only). */
export const LOGO_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.(png|jpe?g|webp)$/;

/** The logo as the site's own host serves it (`static.ts`). */
function siteLogoUrl(site: Site, logo: string): string {
  return `/uploads/sites/${encodeURIComponent(site.uuid)}/${logo}?v=${site.content_version}`;
}

/** The platform's uploaded logo, its URL versioned by the file's time, or null. */
function platformLogoUrl(dataDir: string): string | null {
  const file = resolve(dataDir, "uploads", "sites", PLATFORM_UPLOADS, "logo.png");
  return existsSync(file) ? `/uploads/sites/${PLATFORM_UPLOADS}/logo.png?v=${Math.trunc(statSync(file).mtimeMs)}` : null;
}

/** A short hash of what the home-screen icons are drawn from: their URLs carry it, so they can be cached for a year. */
function iconVersion(name: string, settings: BrandingSettings, logoUrl: string | null): string {
  return createHash("sha256")
    .update(JSON.stringify([name, settings.primary_color, settings.background_color, logoUrl]))
    .digest("hex")
    .slice(0, 12);
}

export function colorIds(theme: Theme): string[] {
  return theme.settings.filter((s) => s.type === "color").map((s) => s.id);
}

/** Every translation key a page asked for and did not find (tests assert it stays empty). */
const missing = new Set<string>();
export function missingTranslations(): ReadonlySet<string> {
  return missing;
}

/** t() of a theme in one language; a missing key falls back to the other language and is recorded. */
export function translatorFor(theme: Theme, lang: Lang): PageView["t"] {
  const other = lang === "fr" ? "en" : "fr";
  return translator(lang, theme.messages[lang], theme.messages[other], (key) => missing.add(`${theme.slug}:${lang}:${key}`));
}

export interface Visit {
  lang: Lang;
  path: string;
  query: URLSearchParams;
  user: User | null;
  csrf: string | null;
  flash?: FlashView | null;
  /** The signed-in user's unread notifications (0 for visitors). */
  unread?: number;
  /** A read-only theme preview: links stay in it or lead out of it (`previewHref`). */
  preview?: PreviewView | null;
  /** The parameters the language links keep (all the page's filters for a signed-in visitor); `query` otherwise. */
  langQuery?: URLSearchParams;
  /** The site owner's bar (the owner's browser on its own site). */
  owner?: OwnerBarView | null;
}

/** Where a storefront link goes in a preview: home and catalogue stay in it, every other page leads out. */
function previewHref(preview: PreviewView, href: string): string {
  if (!href.startsWith("/") || href.startsWith("//")) return href;
  const url = new URL(href, "http://preview.invalid");
  if (url.pathname === "/") return preview.home;
  if (url.pathname === "/services") {
    const category = url.searchParams.get("category");
    return category ? `${preview.catalogue}?category=${encodeURIComponent(category)}` : preview.catalogue;
  }
  if (/^\/services\/[0-9]+$/.test(url.pathname)) return preview.catalogue;
  return preview.exit;
}

const SOCIAL = ["instagram_url", "facebook_url", "tiktok_url", "youtube_url", "x_url"];

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function siteView(look: Look, t: PageView["t"], lang: Lang): SiteView {
  const s = look.settings;
  const digits = str(s.contact_whatsapp).replace(/\D/g, "");
  const telegram = str(s.contact_telegram).replace(/^@/, "");
  const email = str(s.contact_email);
  const contact = {
    whatsapp: digits.length >= 6 ? `https://wa.me/${digits}` : null,
    telegram: /^[A-Za-z0-9_]{5,32}$/.test(telegram) ? `https://t.me/${telegram}` : null,
    email: email.includes("@") ? `mailto:${email}` : null,
  };
  return {
    kind: look.theme.manifest.platform_only ? "platform" : "site",
    name: look.name,
    tagline: str(s.tagline) || t("site.default_tagline"),
    logoUrl: look.logoUrl,
    faviconUrl: look.faviconUrl,
    touchIconUrl: `/icons/icon-180.png?v=${look.iconVersion}`,
    baseUrl: look.baseUrl,
    apiUrl: `${look.baseUrl}/api/v2`,
    defaultLanguage: look.defaultLanguage,
    currency: look.currency,
    theme: look.theme.slug,
    settings: s,
    heroTitle: str(s.hero_title) || t("home.hero_title", { name: look.name }),
    heroSubtitle: str(s.hero_subtitle) || t("home.hero_subtitle"),
    // "Orange Money, Wave ou Virement": only what the tenant offers, as one phrase of the page's language.
    paymentMethods: look.paymentMethods.length ? new Intl.ListFormat(lang, { type: "disjunction" }).format(look.paymentMethods) : "",
    announcement: str(s.announcement),
    footerText: str(s.footer_text),
    contact: { ...contact, any: Boolean(contact.whatsapp || contact.telegram || contact.email) },
    social: SOCIAL.filter((id) => str(s[id]).startsWith("http")).map((id) => ({
      id: id.replace(/_url$/, ""),
      label: t(`social.${id.replace(/_url$/, "")}`),
      url: str(s[id]),
    })),
  };
}

function withQuery(path: string, query: URLSearchParams, changes: Record<string, string | null>): string {
  const q = new URLSearchParams(query);
  for (const [k, v] of Object.entries(changes)) v === null ? q.delete(k) : q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** Previous/next links of a paged list, keeping the rest of the query (page 1 has no `page`); none for a single page. */
export function paginationView(page: number, pages: number, path: string, query: URLSearchParams): PaginationView | null {
  if (pages <= 1) return null;
  return {
    page,
    pages,
    prevHref: page > 1 ? withQuery(path, query, { page: page > 2 ? String(page - 1) : null }) : null,
    nextHref: page < pages ? withQuery(path, query, { page: String(page + 1) }) : null,
  };
}

const SCRIPTS: Partial<Record<AnyPageId, string[]>> = { "order-new": ["order-form.js"], "api-access": ["copy.js"] };
const ANONYMOUS_NOINDEX: AnyPageId[] = ["login", "register", "password-forgot", "password-reset", "email-verify", "not-found", "unavailable", "error"];

/** The full view model of one page: templates get this and nothing else. */
export function pageView<D>(look: Look, visit: Visit, page: { id: AnyPageId; title?: string; heading?: string; status?: number }, data: D): PageView<D> {
  const theme = look.theme;
  const t = translatorFor(theme, visit.lang);
  const site = siteView(look, t, visit.lang);
  const preview = visit.preview ?? null;
  const href = preview ? (path: string) => previewHref(preview, path) : (path: string) => path;
  const heading = page.heading ?? t(`title.${page.id}`);
  const title = page.id === "home" ? `${site.name} · ${site.tagline}` : `${page.title ?? heading} · ${site.name}`;
  const link = (path: string, key: string): LinkView => ({
    href: href(path),
    label: t(key),
    active: preview ? href(path) === visit.path : path === "/" ? visit.path === "/" : visit.path === path || visit.path.startsWith(`${path}/`),
  });
  // Signed in, the balance pill leads to /funds and the account menu lists the rest: the bar stays one row.
  const nav = visit.user
    ? [link("/services", "nav.services"), link("/orders/new", "nav.new_order"), link("/orders", "nav.orders"), link("/tickets", "nav.tickets")]
    : [link("/", "nav.home"), link("/services", "nav.services")];
  const accountNav = [
    link("/account", "nav.account"),
    link("/orders/new", "nav.new_order"),
    link("/orders", "nav.orders"),
    link("/funds", "nav.funds"),
    link("/tickets", "nav.tickets"),
    link("/notifications", "nav.notifications"),
    ...(look.theme.manifest.platform_only ? [link("/orders/mass", "nav.mass_order"), link("/referrals", "nav.referrals")] : []),
    link("/api-access", "nav.api"),
    link("/account/settings", "nav.settings"),
  ];
  // "/orders" must not light up on "/orders/new", nor "/account" on "/account/settings".
  for (const l of [...nav, ...accountNav]) {
    if (l.href === "/orders" && (visit.path === "/orders/new" || visit.path === "/orders/mass")) l.active = false;
    if (l.href === "/account" && visit.path !== "/account") l.active = false;
  }
  const selects = theme.settings.filter((s) => s.type === "select").map((s) => `${s.id.replace(/_/g, "-")}-${str(look.settings[s.id])}`);
  return {
    site,
    lang: visit.lang,
    t,
    page: {
      id: page.id,
      title,
      heading,
      path: visit.path,
      canonical: `${look.baseUrl}${visit.path}`,
      noindex: ANONYMOUS_NOINDEX.includes(page.id) || Boolean(visit.user) || Boolean(preview),
      status: page.status ?? 200,
    },
    nav,
    accountNav,
    user: visit.user
      ? {
          username: visit.user.username,
          email: visit.user.email,
          balance: displayMoney(visit.user.balance, look.currency, visit.lang),
          initial: visit.user.username.slice(0, 1).toUpperCase(),
          // Platform staff get a link to the admin console (only the platform serves it).
          console: visit.user.site_id === PLATFORM_TENANT_ID && isStaff(visit.user.role),
          unread: visit.unread ?? 0,
          emailVerified: Boolean(visit.user.email_verified_at),
        }
      : null,
    csrf: visit.csrf,
    langs: LANGS.map((code) => ({
      code,
      label: t(`lang.${code}`),
      href: withQuery(visit.path, visit.langQuery ?? visit.query, { lang: code }),
      active: code === visit.lang,
    })),
    assets: {
      styles: [
        assetUrl(theme.slug, "base.css"),
        assetUrl(theme.slug, "theme.css"),
        ...(page.id.startsWith("admin-") ? [assetUrl(theme.slug, "admin.css")] : []),
      ],
      site: assetUrl(theme.slug, "site.js"),
      scripts: (SCRIPTS[page.id] ?? []).map((name) => assetUrl(theme.slug, name)),
    },
    brandCss: look.brandCss,
    bodyClass: [`theme-${theme.slug}`, `page-${page.id}`, ...selects].join(" "),
    flash: visit.flash ?? null,
    year: new Date().getUTCFullYear(),
    preview,
    owner: preview ? null : (visit.owner ?? null),
    href,
    data,
  };
}
