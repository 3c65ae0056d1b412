import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { NotFound } from "../core/errors.ts";
import { tenantBaseUrl } from "../tenancy/urls.ts";
import { CONTENT_TYPES, defaultFavicon, siteFaviconFile, themeAsset } from "./assets.ts";
import { tenantServices } from "./catalog-view.ts";
import type { Storefront } from "./respond.ts";
import { PLATFORM_UPLOADS } from "./themes.ts";

const YEAR = "public, max-age=31536000, immutable";
const PRIVATE_PATHS = ["/account", "/orders", "/funds", "/tickets", "/api-access", "/login", "/register", "/logout"];

function xml(s: string): string {
  return s.replace(/[<>&'"]/g, (ch) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[ch]!);
}

/** Theme assets, favicons, a site's own uploads, robots.txt and sitemap.xml (URLs from the stored domain). */
export function staticRoutes(sf: Storefront) {
  const app = new Hono<AppEnv>();
  const uploadsDir = () => resolve(sf.services.config.DATA_DIR, "uploads");

  app.get("/assets/:theme/:file", (c) => {
    const asset = themeAsset(c.req.param("theme"), c.req.param("file"));
    if (!asset) throw new NotFound("Asset not found");
    // A URL carrying the current content hash never changes; anything else is revalidated.
    const cache = c.req.query("v") === asset.hash ? YEAR : "public, max-age=300";
    return c.body(new Uint8Array(asset.body), 200, { "content-type": asset.type, "cache-control": cache });
  });

  app.get("/favicon.ico", (c) => {
    const tenant = c.get("tenant");
    const file = tenant.kind === "site" ? siteFaviconFile(uploadsDir(), tenant.site.uuid) : null;
    if (file) return c.body(new Uint8Array(readFileSync(file)), 200, { "content-type": "image/png", "cache-control": "public, max-age=86400" });
    const fallback = defaultFavicon();
    if (!fallback) throw new NotFound("No favicon");
    return c.body(new Uint8Array(fallback.body), 200, { "content-type": fallback.type, "cache-control": "public, max-age=86400" });
  });

  // Logos and favicons a reseller (or the platform's admin) uploaded: served only on that tenant's own host, raster images only.
  app.get("/uploads/sites/:uuid/:file", (c) => {
    const tenant = c.get("tenant");
    const uuid = c.req.param("uuid");
    const name = c.req.param("file");
    const owner = tenant.kind === "site" ? tenant.site.uuid : tenant.kind === "platform" ? PLATFORM_UPLOADS : null;
    if (owner === null || owner !== uuid || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.(png|jpe?g|webp)$/.test(name)) throw new NotFound("File not found");
    const file = join(uploadsDir(), "sites", uuid, name);
    if (!existsSync(file) || !statSync(file).isFile()) throw new NotFound("File not found");
    return c.body(new Uint8Array(readFileSync(file)), 200, {
      "content-type": CONTENT_TYPES[extname(name).toLowerCase()]!,
      "cache-control": "public, max-age=3600",
    });
  });

  app.get("/robots.txt", (c) => {
    const base = tenantBaseUrl(sf.services.config, c.get("tenant"));
    const lines = [
      "User-agent: *",
      "Allow: /",
      ...PRIVATE_PATHS.map((p) => `Disallow: ${p}`),
      ...(c.get("tenant").kind === "platform" ? ["Disallow: /api/"] : []),
      "",
      `Sitemap: ${base}/sitemap.xml`,
      "",
    ];
    return c.text(lines.join("\n"), 200, { "cache-control": "public, max-age=3600" });
  });

  app.get("/sitemap.xml", async (c) => {
    const ctx = { ...ctxOf(c), user: null };
    const key = `sitemap:${sf.cache.stamp(ctx.tenant)}`;
    const body = await sf.cache.memo(key, async () => {
      const base = tenantBaseUrl(sf.services.config, ctx.tenant);
      const services = await tenantServices(ctx, sf.cache);
      const categories = [...new Set(services.map((s) => s.category_slug))];
      const paths = [
        "/",
        "/services",
        ...categories.map((slug) => `/services?category=${encodeURIComponent(slug)}`),
        ...services.map((s) => `/services/${s.id}`),
      ].slice(0, 50_000);
      return [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        ...paths.map((p) => `  <url><loc>${xml(base + p)}</loc></url>`),
        "</urlset>",
        "",
      ].join("\n");
    });
    return c.body(body, 200, { "content-type": "application/xml; charset=utf-8", "cache-control": "public, max-age=3600" });
  });

  return app;
}
