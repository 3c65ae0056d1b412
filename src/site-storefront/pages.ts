import { Hono, type Context } from "hono";
import { signedIn } from "../auth/middleware.ts";
import { guarded, platformOnly } from "../http/guard.ts";
import type { Site } from "../db/schema.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { AppError, Validation } from "../core/errors.ts";
import { fieldErrors, parseInput } from "../core/validate.ts";
import { contentPageBody, pageSlugOf, saveContentPage } from "../content-pages/service.ts";
import { requireCsrf } from "../storefront/csrf.ts";
import { pageRequest, render, type PageRequest, type Storefront } from "../storefront/respond.ts";
import type { FormState } from "../storefront/view-models.ts";
import { siteTenantCtx } from "../reseller/scope.ts";
import { UUID_SEGMENT } from "../lib/uuid.ts";
import { updateBranding } from "../white-label/branding.ts";
import { brandingSchema } from "../white-label/schema.ts";
import { ownedSite } from "../white-label/sites.ts";
import { announcementErrors, contactErrors, contentPageErrors, themeErrors, type Errors } from "../white-label/page-errors.ts";
import type { Fmt } from "../white-label/pages-view.ts";
import { CONTACT_KEYS, storefrontPageData } from "./view.ts";

/** The posted text fields, each cut at the longest a page body may be (the verbs check the real limits). */
async function postedFields(c: Context<AppEnv>): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(await c.req.parseBody())) if (k !== "_csrf" && typeof v === "string") fields[k] = v.slice(0, 20_001);
  return fields;
}

const SITE = `/white-label/sites/:uuid{${UUID_SEGMENT}}/storefront`;

/**
 * `/white-label/sites/:uuid/storefront`: what the site shows its visitors, written by its owner —
 * the FAQ, terms and contact pages (Markdown, both languages), the announcement bar, the contact
 * links and the theme. Each form calls the same verb as the reseller JSON API (saveContentPage,
 * updateBranding), then redirects; an error re-renders the page (422) with the input kept.
 * Platform only, for the signed-in owner of the site (404 for anyone else).
 */
export function siteStorefrontPages(sf: Storefront) {
  const app = new Hono<AppEnv>();
  const fmt = (req: PageRequest): Fmt => ({ lang: req.visit.lang, currency: req.look.currency, t: req.t });

  const storefrontPage = async (c: Context<AppEnv>, site: Site, state: Partial<FormState>, status = 200) => {
    const req = await pageRequest(c, sf);
    const f = fmt(req);
    const data = await storefrontPageData(ctxOf(c), site, f, state, c.req.query("done"));
    const heading = f.t("platform.wl.storefront_title", { site: site.name });
    return render(c, req, { id: "white-label-storefront", status, heading, title: heading }, data);
  };

  app.get(SITE, async (c) => storefrontPage(c, await ownedSite(ctxOf(c), c.req.param("uuid")), {}));

  const form = (
    path: string,
    run: (ctx: ReturnType<typeof ctxOf>, site: Site, fields: Record<string, string>, c: Context<AppEnv>) => Promise<string>,
    errors: Errors,
  ) =>
    app.post(`${SITE}${path}`, requireCsrf, async (c) => {
      const ctx = ctxOf(c);
      const site = await ownedSite(ctx, c.req.param("uuid") ?? "");
      const fields = await postedFields(c);
      try {
        const done = await run(ctx, site, fields, c);
        return c.redirect(`/white-label/sites/${site.uuid}/storefront?done=${done}#${done}`, 303);
      } catch (err) {
        const { t } = await pageRequest(c, sf);
        const mapped = errors(err, t);
        return storefrontPage(
          c,
          await ownedSite(ctx, site.uuid),
          { values: fields, errors: mapped },
          err instanceof AppError && err.status === 409 ? 409 : 422,
        );
      }
    });

  form(
    "/pages/:slug",
    async (ctx, site, fields, c) => {
      const slug = pageSlugOf(c.req.param("slug") ?? "");
      const raw = { body_fr: fields[`${slug}_fr`] ?? null, body_en: fields[`${slug}_en`] ?? null };
      const checked = contentPageBody.safeParse(raw);
      // The form names each text after its page: body_fr of the FAQ is faq_fr.
      if (!checked.success) throw new Validation(Object.fromEntries(Object.entries(fieldErrors(checked.error)).map(([k, v]) => [k.replace(/^body/, slug), v])));
      const input = checked.data;
      await saveContentPage(siteTenantCtx(ctx, site), slug, input);
      return "pages";
    },
    contentPageErrors,
  );

  form(
    "/announcement",
    async (ctx, site, fields) => {
      const text = (fields.announcement ?? "").trim();
      await updateBranding(ctx, site, parseInput(brandingSchema, { settings: { announcement: text || null } }));
      return "announcement";
    },
    announcementErrors,
  );

  form(
    "/contact",
    async (ctx, site, fields) => {
      const contact: Record<string, string | null> = {};
      for (const key of CONTACT_KEYS) contact[key] = fields[key]?.trim() || null;
      await updateBranding(ctx, site, parseInput(brandingSchema, { contact }));
      return "contact";
    },
    contactErrors,
  );

  form(
    "/theme",
    async (ctx, site, fields) => {
      await updateBranding(ctx, site, parseInput(brandingSchema, { template_id: fields.template_id ?? "" }));
      return "theme";
    },
    themeErrors,
  );

  const outer = new Hono<AppEnv>();
  outer.use("/white-label/sites/*", platformOnly);
  return outer.route("/", guarded(signedIn, app));
}
