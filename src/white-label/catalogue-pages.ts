import { Hono, type Context } from "hono";
import type { Site } from "../db/schema.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { AppError, NotFound } from "../core/errors.ts";
import { idParam } from "../core/params.ts";
import { parseInput } from "../core/validate.ts";
import { UUID_SEGMENT } from "../lib/uuid.ts";
import { t, type MessageKey } from "../i18n/i18n.ts";
import type { Params } from "../i18n/catalogue.ts";
import type { Lang } from "../i18n/lang.ts";
import { categoryNameIn, serviceTextIn } from "../catalog/category-names.ts";
import { categoryBody, DESCRIPTION_MAX, NAME_MAX, serviceTextsBody } from "../site-catalogue/schema.ts";
import {
  clearServiceTexts,
  moveSiteCategory,
  searchSiteServices,
  setPlatformHidden,
  setServiceTexts,
  siteCatalogue,
  siteCategory,
  siteService,
  updateSiteCategory,
} from "../site-catalogue/service.ts";
import { requireCsrf } from "../storefront/csrf.ts";
import { pageRequest, render, type Storefront } from "../storefront/respond.ts";
import { paginationView } from "../storefront/view.ts";
import { siteTenantCtx } from "../reseller/scope.ts";
import { ownedSite } from "./sites.ts";

type Fields = Record<string, string>;
type Errors = Record<string, string[]>;
type Tx = (key: MessageKey, params?: Params) => string;

const TEXT_FIELDS = ["name_fr", "name_en", "description_fr", "description_en"] as const;
const DONE = ["saved", "cleared", "moved", "featured", "unfeatured", "hidden", "shown"];
const PER_PAGE = 20;

/** "instagram" → "Instagram", "tiktok" → "TikTok": how the page names a platform. */
const PLATFORM_NAMES: Record<string, string> = { tiktok: "TikTok", youtube: "YouTube", linkedin: "LinkedIn", soundcloud: "SoundCloud", whatsapp: "WhatsApp" };
const platformName = (p: string) => PLATFORM_NAMES[p] ?? p.charAt(0).toUpperCase() + p.slice(1);

/** A text form's refusal in the page's language, under the field it is about; anything else goes to the error page. */
function textErrors(err: unknown, tx: Tx): Errors {
  if (!(err instanceof AppError) || err instanceof NotFound || err.status !== 422) throw err;
  const details = err.details && typeof err.details === "object" ? (err.details as Errors) : {};
  const out: Errors = {};
  for (const key of Object.keys(details)) {
    if (key.startsWith("name_")) out[key] = [tx("wl.cat.error.name", { max: NAME_MAX })];
    else if (key.startsWith("description_")) out[key] = [tx("wl.cat.error.description", { max: DESCRIPTION_MAX })];
    else out._form = [tx("wl.cat.error.invalid")];
  }
  return Object.keys(out).length ? out : { _form: [tx("wl.cat.error.invalid")] };
}

/** The posted texts of a form ("" clears a text), each cut a little past its limit so the verb still refuses it. */
function postedTexts(body: Record<string, unknown>): Fields {
  const out: Fields = {};
  for (const key of TEXT_FIELDS) {
    const v = body[key];
    if (typeof v === "string") out[key] = v.slice(0, (key.startsWith("name_") ? NAME_MAX : DESCRIPTION_MAX) + 1);
  }
  return out;
}

/** The four text fields of a form: what the site wrote (or what was typed), and the platform's text as the example. */
function textFields(tx: Tx, values: Fields, errors: Errors, platform: Record<(typeof TEXT_FIELDS)[number], string>) {
  return TEXT_FIELDS.map((key) => ({
    field: key,
    label: tx(`wl.cat.${key}`),
    value: values[key] ?? "",
    multiline: key.startsWith("description_"),
    maxlength: key.startsWith("name_") ? NAME_MAX : DESCRIPTION_MAX,
    placeholder: platform[key].slice(0, 200),
    errors: errors[key] ?? [],
  }));
}

/**
 * `/white-label/sites/:uuid/catalogue`: the site's catalogue in its own words — platforms shown or
 * hidden, categories in the site's order (move up/down, feature, rename), a service search — and
 * `/catalogue/categories/:id`, `/catalogue/services/:id` to word one category or service in both
 * languages. Each form calls the same verb as the JSON API, then redirects with a notice; a refused
 * text re-renders the form (422) with what was typed and the field named. For the site's owner
 * only (404 for anyone else); mounted behind signedIn by src/white-label/pages.ts.
 */
export function siteCataloguePages(sf: Storefront) {
  const app = new Hono<AppEnv>();
  const base = `/white-label/sites/:uuid{${UUID_SEGMENT}}/catalogue`;
  const words =
    (lang: Lang): Tx =>
    (key, params) =>
      t(lang, key, params);

  const owned = async (c: Context<AppEnv>) => {
    const ctx = ctxOf(c);
    const site = await ownedSite(ctx, c.req.param("uuid") ?? "");
    return { site, ctx: siteTenantCtx(ctx, site) };
  };

  app.get(base, async (c) => {
    const { site, ctx } = await owned(c);
    const req = await pageRequest(c, sf);
    const lang = req.visit.lang;
    const tx = words(lang);
    const q = (c.req.query("q") ?? "").trim().slice(0, 100);
    const n = Number(c.req.query("page"));
    const [catalogue, found] = await Promise.all([
      siteCatalogue(ctx),
      searchSiteServices(ctx, { search: q, page: Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1, perPage: PER_PAGE }),
    ]);
    const href = `/white-label/sites/${site.uuid}/catalogue`;
    const done = c.req.query("done");
    const last = catalogue.categories.length;
    const data = {
      tx,
      back: `/white-label/sites/${site.uuid}`,
      siteName: site.name,
      notice: done && DONE.includes(done) ? tx(`wl.cat.done.${done}` as MessageKey) : null,
      platforms: catalogue.platforms.map((p) => ({
        platform: p.platform,
        name: platformName(p.platform),
        count: tx("wl.cat.platform_categories", { count: p.categories }),
        hidden: p.hidden,
        action: `${href}/platforms/${p.platform}`,
        button: tx(p.hidden ? "wl.cat.show" : "wl.cat.hide", { platform: platformName(p.platform) }),
      })),
      categories: catalogue.categories.map((k) => {
        const name = categoryNameIn(lang, {
          name: k.platform_texts.name,
          name_fr: k.texts.name_fr || k.platform_texts.name_fr,
          name_en: k.texts.name_en || k.platform_texts.name_en,
        });
        return {
          id: k.id,
          name,
          platform: k.platform,
          position: tx("wl.cat.position", { position: k.position }),
          count: tx("wl.cat.services_count", { count: k.services }),
          featured: k.featured,
          platformHidden: k.platform_hidden,
          ownWords: Object.values(k.texts).some((v) => v !== null),
          moveAction: `${href}/categories/${k.id}/move`,
          featureAction: `${href}/categories/${k.id}/feature`,
          editHref: `${href}/categories/${k.id}`,
          canUp: k.position > 1,
          canDown: k.position < last,
          upLabel: tx("wl.cat.move_up", { name }),
          downLabel: tx("wl.cat.move_down", { name }),
        };
      }),
      search: q,
      searchAction: href,
      searchCount: tx("wl.cat.search_count", { count: found.total }),
      services: found.rows.map((s) => {
        const worded = serviceTextIn(lang, {
          ...s.platform_texts,
          name_fr: s.texts.name_fr || s.platform_texts.name_fr,
          name_en: s.texts.name_en || s.platform_texts.name_en,
        });
        return {
          id: s.id,
          name: worded.name,
          category: categoryNameIn(lang, s.category_texts),
          platform: s.platform,
          ownWords: Object.values(s.texts).some((v) => v !== null),
          href: `${href}/services/${s.id}`,
        };
      }),
      pagination: paginationView(found.page, Math.max(1, Math.ceil(found.total / found.per_page)), href, new URLSearchParams(q ? { q } : {})),
    };
    const heading = tx("wl.cat.title", { site: site.name });
    return render(c, req, { id: "white-label-site-catalogue", heading, title: heading }, data);
  });

  /** The texts page of one category or service, with the stored texts or what was typed. */
  const textsPage = async (
    c: Context<AppEnv>,
    site: Site,
    target: { kind: "category" | "service"; id: number },
    state: { values?: Fields; errors?: Errors } = {},
    status = 200,
  ) => {
    const req = await pageRequest(c, sf);
    const lang = req.visit.lang;
    const tx = words(lang);
    const ctx = siteTenantCtx(ctxOf(c), site);
    const href = `/white-label/sites/${site.uuid}/catalogue`;
    let heading: string;
    let stored: Fields;
    let platform: Record<(typeof TEXT_FIELDS)[number], string>;
    let context: string | null = null;
    if (target.kind === "category") {
      const k = await siteCategory(ctx, target.id);
      heading = tx("wl.cat.category_title", { name: categoryNameIn(lang, k.platform_texts) });
      stored = Object.fromEntries(TEXT_FIELDS.map((f) => [f, k.texts[f] ?? ""]));
      const p = k.platform_texts;
      platform = {
        name_fr: categoryNameIn("fr", p),
        name_en: categoryNameIn("en", p),
        description_fr: p.description ?? "",
        description_en: p.description ?? "",
      };
    } else {
      const s = await siteService(ctx, target.id);
      heading = tx("wl.cat.service_title", { id: s.id });
      stored = Object.fromEntries(TEXT_FIELDS.map((f) => [f, s.texts[f] ?? ""]));
      const fr = serviceTextIn("fr", s.platform_texts);
      const en = serviceTextIn("en", s.platform_texts);
      platform = { name_fr: fr.name, name_en: en.name, description_fr: fr.description ?? "", description_en: en.description ?? "" };
      context = `${serviceTextIn(lang, s.platform_texts).name} · ${tx("wl.cat.in_category", { name: categoryNameIn(lang, s.category_texts) })}`;
    }
    const action = `${href}/${target.kind === "category" ? "categories" : "services"}/${target.id}`;
    const errors = state.errors ?? {};
    const data = {
      tx,
      back: href,
      context,
      notice: c.req.query("done") === "saved" ? tx("wl.cat.done.saved") : c.req.query("done") === "cleared" ? tx("wl.cat.done.cleared") : null,
      action,
      clearAction: `${action}/clear`,
      formError: errors._form ?? [],
      fields: textFields(tx, { ...stored, ...state.values }, errors, platform),
    };
    return render(c, req, { id: "white-label-site-catalogue-texts", status, heading, title: heading }, data);
  };

  app.get(`${base}/categories/:id{[0-9]{1,12}}`, async (c) => {
    const { site } = await owned(c);
    return textsPage(c, site, { kind: "category", id: idParam(c.req.param("id"), "Category") });
  });
  app.get(`${base}/services/:id{[0-9]{1,12}}`, async (c) => {
    const { site } = await owned(c);
    return textsPage(c, site, { kind: "service", id: idParam(c.req.param("id"), "Service") });
  });

  /** A texts form: the verb, then back to the form with a notice; a refused text re-renders it with what was typed. */
  const textsForm = (kind: "category" | "service", path: string) =>
    app.post(`${base}/${path}/:id{[0-9]{1,12}}`, requireCsrf, async (c) => {
      const { site, ctx } = await owned(c);
      const id = idParam(c.req.param("id"), kind === "category" ? "Category" : "Service");
      const values = postedTexts(await c.req.parseBody());
      const input = Object.fromEntries(TEXT_FIELDS.map((f) => [f, values[f] ?? null]));
      try {
        if (kind === "category") await updateSiteCategory(ctx, id, parseInput(categoryBody, input));
        else await setServiceTexts(ctx, id, parseInput(serviceTextsBody, input));
      } catch (err) {
        const { visit } = await pageRequest(c, sf);
        return textsPage(c, site, { kind, id }, { values, errors: textErrors(err, words(visit.lang)) }, 422);
      }
      return c.redirect(`/white-label/sites/${site.uuid}/catalogue/${path}/${id}?done=saved`, 303);
    });
  textsForm("category", "categories");
  textsForm("service", "services");

  app.post(`${base}/categories/:id{[0-9]{1,12}}/clear`, requireCsrf, async (c) => {
    const { site, ctx } = await owned(c);
    const id = idParam(c.req.param("id"), "Category");
    await updateSiteCategory(ctx, id, { name_fr: null, name_en: null, description_fr: null, description_en: null });
    return c.redirect(`/white-label/sites/${site.uuid}/catalogue/categories/${id}?done=cleared`, 303);
  });
  app.post(`${base}/services/:id{[0-9]{1,12}}/clear`, requireCsrf, async (c) => {
    const { site, ctx } = await owned(c);
    const id = idParam(c.req.param("id"), "Service");
    await clearServiceTexts(ctx, id);
    return c.redirect(`/white-label/sites/${site.uuid}/catalogue/services/${id}?done=cleared`, 303);
  });

  app.post(`${base}/categories/:id{[0-9]{1,12}}/move`, requireCsrf, async (c) => {
    const { site, ctx } = await owned(c);
    const id = idParam(c.req.param("id"), "Category");
    const direction = (await c.req.parseBody()).direction === "down" ? "down" : "up";
    await moveSiteCategory(ctx, id, direction);
    return c.redirect(`/white-label/sites/${site.uuid}/catalogue?done=moved#category-${id}`, 303);
  });

  app.post(`${base}/categories/:id{[0-9]{1,12}}/feature`, requireCsrf, async (c) => {
    const { site, ctx } = await owned(c);
    const id = idParam(c.req.param("id"), "Category");
    const featured = (await c.req.parseBody()).featured === "1";
    await updateSiteCategory(ctx, id, { featured });
    return c.redirect(`/white-label/sites/${site.uuid}/catalogue?done=${featured ? "featured" : "unfeatured"}#category-${id}`, 303);
  });

  app.post(`${base}/platforms/:platform{[a-z0-9-]{1,40}}`, requireCsrf, async (c) => {
    const { site, ctx } = await owned(c);
    const hidden = (await c.req.parseBody()).hidden === "1";
    await setPlatformHidden(ctx, c.req.param("platform") ?? "", hidden);
    return c.redirect(`/white-label/sites/${site.uuid}/catalogue?done=${hidden ? "hidden" : "shown"}#platforms`, 303);
  });

  return app;
}
