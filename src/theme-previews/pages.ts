import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { Hono, type Context } from "hono";
import { signedIn } from "../auth/middleware.ts";
import { NotFound } from "../core/errors.ts";
import type { Ctx } from "../context.ts";
import { guarded, platformOnly } from "../http/guard.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { UUID_SEGMENT } from "../lib/uuid.ts";
import { tenantBaseUrl } from "../tenancy/urls.ts";
import { siteRate } from "../pricing/pricing.ts";
import { siteTenantCtx } from "../reseller/scope.ts";
import { CONTENT_TYPES } from "../storefront/assets.ts";
import { tenantServices } from "../storefront/catalog-view.ts";
import { demoLook, previewPage, type PreviewPage } from "../storefront/preview.ts";
import { pageRequest, type Storefront } from "../storefront/respond.ts";
import { getTheme, type Theme } from "../storefront/themes.ts";
import { LOGO_FILE, siteLook } from "../storefront/view.ts";
import { NEW_SITE_MARGIN_BP } from "../white-label/purchase.ts";
import { ownedSite } from "../white-label/sites.ts";

const SLUG = ":slug{[a-z0-9][a-z0-9-]{0,59}}";
const DEMO = `/white-label/themes/${SLUG}/demo`;
const SITE = `/white-label/sites/:uuid{${UUID_SEGMENT}}/storefront`;

/** An offered theme by its slug: an active template whose folder is installed and meant for sites; else 404. */
async function offeredTheme(ctx: Ctx, slug: string): Promise<{ id: number; theme: Theme }> {
  const row = await ctx.db.selectFrom("white_label_templates").select(["id", "slug"]).where("slug", "=", slug).where("is_active", "=", 1).executeTakeFirst();
  const theme = row ? getTheme(row.slug) : undefined;
  if (!row || !theme || theme.manifest.platform_only) throw new NotFound("Theme not found");
  return { id: row.id, theme };
}

/**
 * Theme previews, read-only and never indexed, through the storefront engine's one render path:
 * - `/white-label/themes/:slug/demo` (+ `/services`), public: a theme with a demo branding and the
 *   platform's catalogue at the prices a new site starts with — before buying;
 * - `/white-label/sites/:uuid/storefront/preview/:slug` (+ `/services`), the signed-in owner only:
 *   the site's own name, logo, colours, announcement and prices in that theme, with a banner whose
 *   button posts the existing theme switch — before switching. Nothing of the site changes.
 */
export function themePreviewPages(sf: Storefront) {
  const demo = new Hono<AppEnv>();
  const demoOf = async (c: Context<AppEnv>, page: PreviewPage) => {
    const ctx = { ...ctxOf(c), user: null };
    const slug = c.req.param("slug") ?? "";
    const { theme } = await offeredTheme(ctx, slug);
    const { look: platform, visit } = await pageRequest(c, sf);
    const base = `/white-label/themes/${slug}/demo`;
    // The platform's public prices with a new site's default margin: what a freshly bought site would show.
    const services = (await tenantServices(ctx, sf.cache)).map((s) => ({ ...s, rate: siteRate(s.rate, NEW_SITE_MARGIN_BP) }));
    return previewPage(
      c,
      sf,
      {
        look: demoLook(theme, visit.lang, { baseUrl: platform.baseUrl, currency: platform.currency }),
        preview: {
          kind: "demo",
          themeName: theme.manifest.name,
          home: base,
          catalogue: `${base}/services`,
          exit: "/white-label#buy",
          switchTo: null,
          current: false,
        },
        ctx,
        services,
      },
      page,
    );
  };
  demo.get(DEMO, (c) => demoOf(c, "home"));
  demo.get(`${DEMO}/services`, (c) => demoOf(c, "catalogue"));

  const owner = new Hono<AppEnv>();
  const previewOf = async (c: Context<AppEnv>, page: PreviewPage) => {
    const ctx = ctxOf(c);
    const site = await ownedSite(ctx, c.req.param("uuid") ?? "");
    const slug = c.req.param("slug") ?? "";
    const { id, theme } = await offeredTheme(ctx, slug);
    const siteCtx = { ...siteTenantCtx(ctx, site), user: null };
    const storefront = `/white-label/sites/${site.uuid}/storefront`;
    const base = `${storefront}/preview/${slug}`;
    const siteLooks = await siteLook(siteCtx, theme, (s, logo) => `${storefront}/logo/${logo}?v=${s.content_version}`);
    // The preview lives on the platform host: its canonical and language links name that host, not the site's.
    const look = { ...siteLooks, baseUrl: tenantBaseUrl(ctx.config, ctx.tenant) };
    const current = id === site.template_id;
    const csrf = c.get("session")?.csrf_token ?? "";
    return previewPage(
      c,
      sf,
      {
        look,
        preview: {
          kind: "site",
          themeName: theme.manifest.name,
          home: base,
          catalogue: `${base}/services`,
          exit: `${storefront}#theme`,
          switchTo: current || !csrf ? null : { action: `${storefront}/theme`, templateId: String(id), csrf },
          current,
        },
        ctx: siteCtx,
      },
      page,
    );
  };
  owner.get(`${SITE}/preview/${SLUG}`, (c) => previewOf(c, "home"));
  owner.get(`${SITE}/preview/${SLUG}/services`, (c) => previewOf(c, "catalogue"));

  // The site's logo for its preview on the platform host (the site's own host serves it to visitors).
  owner.get(`${SITE}/logo/:file`, async (c) => {
    const site = await ownedSite(ctxOf(c), c.req.param("uuid") ?? "");
    const name = c.req.param("file");
    if (!LOGO_FILE.test(name) || site.logo_path?.split(/[\\/]/).pop() !== name) throw new NotFound("File not found");
    const file = resolve(c.get("services").config.DATA_DIR, "uploads", "sites", site.uuid, name);
    if (!existsSync(file) || !statSync(file).isFile()) throw new NotFound("File not found");
    const type = CONTENT_TYPES[name.slice(name.lastIndexOf(".")).toLowerCase()] ?? "application/octet-stream";
    return c.body(new Uint8Array(readFileSync(file)), 200, { "content-type": type, "cache-control": "private, max-age=3600" });
  });

  const app = new Hono<AppEnv>();
  app.use("/white-label/themes/*", platformOnly);
  app.use("/white-label/sites/*", platformOnly);
  app.route("/", demo);
  return app.route("/", guarded(signedIn, owner));
}
