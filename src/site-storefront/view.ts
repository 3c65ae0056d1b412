import type { Ctx } from "../context.ts";
import type { Site } from "../db/schema.ts";
import { contentPage, PAGE_SLUGS } from "../content-pages/service.ts";
import type { FormState } from "../storefront/view-models.ts";
import { siteTenantCtx } from "../reseller/scope.ts";
import { listActiveTemplates } from "../white-label/catalog.ts";
import type { Fmt } from "../white-label/pages-view.ts";
import { siteDetails } from "../white-label/sites.ts";
import { CONTACT_SETTINGS, effectiveBranding } from "../white-label/theme-settings.ts";

export const CONTACT_KEYS = Object.keys(CONTACT_SETTINGS) as (keyof typeof CONTACT_SETTINGS)[];
const DONE = ["pages", "announcement", "contact", "theme"];

/** The site's storefront sub-page: its FAQ, terms and contact texts, the announcement, the contact links and the theme. */
export async function storefrontPageData(ctx: Ctx, site: Site, f: Fmt, state: Partial<FormState>, done: string | undefined) {
  const siteCtx = siteTenantCtx(ctx, site);
  const [details, pages, templates] = await Promise.all([
    siteDetails(ctx, site),
    Promise.all(PAGE_SLUGS.map((slug) => contentPage(siteCtx, slug))),
    listActiveTemplates(ctx),
  ]);
  const base = `/white-label/sites/${site.uuid}`;
  const branding = effectiveBranding(details.template.slug ?? "", site.branding);
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  const stored: Record<string, string> = { announcement: str(branding.announcement) };
  for (const key of CONTACT_KEYS) stored[key] = str(branding[CONTACT_SETTINGS[key]]);
  for (const p of pages) {
    stored[`${p.slug}_fr`] = p.body_fr ?? "";
    stored[`${p.slug}_en`] = p.body_en ?? "";
  }
  const siteUrl = details.url.replace(/\/+$/, "");
  return {
    values: { ...stored, ...state.values },
    errors: state.errors ?? {},
    name: site.name,
    back: base,
    notice: done && DONE.includes(done) ? f.t(`platform.wl.done.${done}`) : null,
    pages: pages.map((p) => ({
      slug: p.slug,
      title: f.t(`platform.wl.page.${p.slug}`),
      action: `${base}/storefront/pages/${p.slug}#pages`,
      siteHref: `${siteUrl}/${p.slug}`,
    })),
    announcementAction: `${base}/storefront/announcement#announcement`,
    contactAction: `${base}/storefront/contact#contact`,
    contact: CONTACT_KEYS.map((key) => ({
      field: key,
      label: f.t(`platform.wl.contact.${key}`),
      type: key === "email" ? "email" : key === "whatsapp" ? "tel" : key === "telegram" ? "text" : "url",
      placeholder: key === "whatsapp" ? "+225 07 00 00 00 00" : key === "email" ? "contact@example.com" : key === "telegram" ? "@myshop" : "https://",
      // The contact e-mail is also where the site's customers' replies to its e-mails go.
      hint: key === "email" ? f.t("platform.sitename.reply_to_hint") : undefined,
    })),
    themeAction: `${base}/storefront/theme#theme`,
    themes: templates.map((t) => ({
      id: String(t.id),
      name: t.name,
      description: t.description,
      image: t.preview_image,
      current: t.id === site.template_id,
      previewHref: `${base}/storefront/preview/${encodeURIComponent(t.slug)}`,
    })),
    siteUrl,
  };
}
