import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Hono } from "hono";
import sharp from "sharp";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import type { Tenant } from "../context.ts";
import { NotFound } from "../core/errors.ts";
import { contrastRatio } from "./render.ts";
import type { Storefront } from "./respond.ts";
import { tenantLook, translatorFor, type Look } from "./view.ts";

/** 180 for iOS's apple-touch-icon, 192 and 512 for the web app manifest. */
const ICON_SIZES = new Set([180, 192, 512]);
const YEAR = "public, max-age=31536000, immutable";
const LOGO_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.(png|jpe?g|webp)$/;

/** The name under the icon: the whole name when it is short, else its first word, at most 12 characters. */
function shortName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length <= 12) return trimmed;
  const first = trimmed.split(/\s+/)[0] ?? trimmed;
  return (first.length <= 12 ? first : first.slice(0, 12)).trim();
}

function colour(v: unknown, fallback: string): string {
  return typeof v === "string" && /^#[0-9a-fA-F]{6}$/.test(v) ? v.toLowerCase() : fallback;
}

/** The tenant's web app manifest: its own name, colours, language and icons (URLs versioned by what they show). */
function manifestOf(look: Look): Record<string, unknown> {
  const t = translatorFor(look.theme, look.defaultLanguage);
  const tagline = typeof look.settings.tagline === "string" && look.settings.tagline ? look.settings.tagline : t("site.default_tagline");
  const icon = (size: number) => ({ src: `/icons/icon-${size}.png?v=${look.iconVersion}`, sizes: `${size}x${size}`, type: "image/png", purpose: "any" });
  return {
    id: "/",
    name: look.name,
    short_name: shortName(look.name),
    description: tagline,
    lang: look.defaultLanguage,
    start_url: "/",
    scope: "/",
    display: "standalone",
    background_color: colour(look.settings.background_color, "#ffffff"),
    theme_color: colour(look.settings.primary_color, "#4f46e5"),
    icons: [icon(192), icon(512)],
  };
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (ch) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[ch]!);
}

/** A site's uploaded logo on disk (the stored, already validated and resized PNG), or null. */
function logoFile(dataDir: string, tenant: Tenant): string | null {
  if (tenant.kind !== "site") return null;
  const name = tenant.site.logo_path?.split(/[\\/]/).pop() ?? "";
  if (!LOGO_FILE.test(name) || !/^[0-9a-f-]{36}$/i.test(tenant.site.uuid)) return null;
  const file = join(resolve(dataDir, "uploads"), "sites", tenant.site.uuid, name);
  return existsSync(file) ? file : null;
}

/**
 * A square, opaque PNG: the logo centred on the background colour when the site has one, else the
 * name's initial on the primary colour (an SVG rasterised by sharp). No transparency: home screens
 * put their own background behind it.
 */
async function renderIcon(look: Look, size: number, logo: string | null): Promise<Buffer> {
  const background = colour(look.settings.background_color, "#ffffff");
  if (logo) {
    const inner = Math.round(size * 0.76);
    try {
      const mark = await sharp(await readFile(logo), { failOn: "error", limitInputPixels: 4096 * 4096 })
        .resize(inner, inner, { fit: "contain", background: { r: 0, g: 0, b: 0, alpha: 0 } })
        .png()
        .toBuffer();
      return await sharp({ create: { width: size, height: size, channels: 4, background } })
        .composite([{ input: mark, gravity: "center" }])
        .flatten({ background })
        .png()
        .toBuffer();
    } catch {
      // A damaged file on disk: the initial is still a usable icon.
    }
  }
  const primary = colour(look.settings.primary_color, "#4f46e5");
  const ink = contrastRatio(primary, "#ffffff") >= contrastRatio(primary, "#111111") ? "#ffffff" : "#111111";
  const initial = escapeXml(Array.from(look.name.trim())[0]?.toUpperCase() ?? "?");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 100 100">
<rect width="100" height="100" fill="${primary}"/>
<text x="50" y="50" dy=".35em" text-anchor="middle" font-family="DejaVu Sans, Arial, Helvetica, sans-serif" font-weight="700" font-size="54" fill="${ink}">${initial}</text>
</svg>`;
  return sharp(Buffer.from(svg)).flatten({ background: primary }).png().toBuffer();
}

/**
 * `/manifest.webmanifest` and `/icons/icon-{180,192,512}.png` of every tenant, in its own brand.
 * Both are kept in the page cache under the tenant's stamp, so a branding change (site event,
 * content_version) shows on the next request; icon URLs carry the branding's hash, so a browser may
 * keep them for a year, and the manifest is revalidated by its ETag.
 */
export function homeScreenRoutes(sf: Storefront) {
  const app = new Hono<AppEnv>();

  app.get("/manifest.webmanifest", async (c) => {
    const ctx = ctxOf(c);
    const look = await tenantLook(ctx, sf.cache);
    const body = JSON.stringify(manifestOf(look));
    const etag = `"${createHash("sha256").update(body).digest("hex").slice(0, 16)}"`;
    const headers = { etag, "cache-control": "no-cache" };
    if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
    return c.body(body, 200, { ...headers, "content-type": "application/manifest+json; charset=utf-8" });
  });

  app.get("/icons/:file", async (c) => {
    const size = Number(/^icon-(\d{3})\.png$/.exec(c.req.param("file"))?.[1]);
    if (!ICON_SIZES.has(size)) throw new NotFound("Icon not found");
    const ctx = ctxOf(c);
    const look = await tenantLook(ctx, sf.cache);
    const logo = logoFile(sf.services.config.DATA_DIR, ctx.tenant);
    const png = await sf.cache.memo(`icon:${ctx.tenant.siteId}:${look.iconVersion}:${size}`, () => renderIcon(look, size, logo));
    const cache = c.req.query("v") === look.iconVersion ? YEAR : "public, max-age=300";
    return c.body(new Uint8Array(png), 200, { "content-type": "image/png", "cache-control": cache });
  });

  return app;
}
