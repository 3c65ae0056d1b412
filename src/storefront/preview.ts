import type { Context } from "hono";
import type { Ctx } from "../context.ts";
import type { PricedService } from "../catalog/prices.ts";
import type { AppEnv } from "../http/env.ts";
import { parseInput } from "../core/validate.ts";
import type { Lang } from "../i18n/lang.ts";
import { catalogueData, homeData } from "./catalog-view.ts";
import { brandCss } from "./render.ts";
import { pageRequest, render, type Storefront } from "./respond.ts";
import { catalogueQuerySchema } from "./schema.ts";
import { cleanSettings, type Theme } from "./themes.ts";
import type { PreviewView } from "./view-models.ts";
import { colorIds, translatorFor, type Look } from "./view.ts";

/** The pages a preview shows: the home page and the catalogue, read-only. */
export type PreviewPage = "home" | "catalogue";

interface PreviewSource {
  /** Whose look: a site's branding in the previewed theme, or the demo branding. */
  look: Look;
  preview: PreviewView;
  /** The tenant whose catalogue is shown, without a user (no one's custom prices). */
  ctx: Ctx;
  /** The services at the prices to show, when they are not the tenant's own (the demo's sample prices). */
  services?: PricedService[];
}

/**
 * The demo branding of a theme: its defaults, a made-up shop name in the page language, an
 * example.com contact address, sample deposit methods. Nothing of any tenant's own data.
 */
export function demoLook(theme: Theme, lang: Lang, opts: { baseUrl: string; currency: string }): Look {
  const t = translatorFor(theme, lang);
  const settings = cleanSettings(theme, { contact_email: "contact@example.com" });
  return {
    theme,
    settings,
    name: t("preview.demo_name"),
    logoUrl: null,
    faviconUrl: "/favicon.ico",
    iconVersion: "demo",
    baseUrl: opts.baseUrl,
    defaultLanguage: lang,
    currency: opts.currency,
    brandCss: brandCss(settings, colorIds(theme)),
    paymentMethods: ["Orange Money", "MTN MoMo", "Wave"],
  };
}

/**
 * A preview page through the one render path: the theme's own templates with `it.preview` set, so
 * the layout shows the banner and every link stays in the preview or leads out of it. Never cached,
 * never indexed, always as an anonymous visitor sees it (no account, no form that acts).
 */
export async function previewPage(c: Context<AppEnv>, sf: Storefront, source: PreviewSource, page: PreviewPage): Promise<Response> {
  const req = await pageRequest(c, sf);
  const lang = req.visit.lang;
  const t = translatorFor(source.look.theme, lang);
  const visit = { ...req.visit, user: null, csrf: null, flash: null, unread: 0, preview: source.preview };
  const currency = source.look.currency;
  let res: Response;
  if (page === "home") {
    const data = await homeData(source.ctx, sf.cache, currency, lang, source.services);
    res = render(c, { look: source.look, visit, t }, { id: "home" }, data);
  } else {
    const query = parseInput(catalogueQuerySchema, c.req.query());
    const data = await catalogueData(source.ctx, sf.cache, currency, lang, t, query, visit.path, visit.query, source.services);
    const category = data.category ? data.categories.find((x) => x.active)?.name : undefined;
    res = render(c, { look: source.look, visit, t }, { id: "catalogue", title: category ? `${category} · ${t("title.catalogue")}` : undefined }, data);
  }
  res.headers.set("cache-control", "private, no-store");
  res.headers.set("x-robots-tag", "noindex, nofollow");
  return res;
}
