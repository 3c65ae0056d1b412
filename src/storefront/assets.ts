import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BASE_THEME, THEMES_DIR } from "./themes.ts";

const PUBLIC_DIR = fileURLToPath(new URL("../../public/", import.meta.url));

export const CONTENT_TYPES: Record<string, string> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

interface Asset {
  body: Buffer;
  type: string;
  /** Short content hash: the `?v=` of asset URLs, so they can be cached for a year. */
  hash: string;
}

const ASSET_NAME = /^[a-z0-9][a-z0-9_-]{0,60}\.(css|js|svg|png|jpg|jpeg|webp|ico|woff2)$/;

function load(file: string): Asset {
  const body = readFileSync(file);
  return { body, type: CONTENT_TYPES[extname(file)] ?? "application/octet-stream", hash: createHash("sha256").update(body).digest("hex").slice(0, 12) };
}

const assets = new Map<string, Asset | null>();

/** A theme's asset (its own, else the shared one in themes/_base/assets), read once. */
export function themeAsset(theme: string, name: string): Asset | null {
  if (!/^[a-z0-9-]{1,60}$/.test(theme) || !ASSET_NAME.test(name)) return null;
  const key = `${theme}/${name}`;
  if (assets.has(key)) return assets.get(key)!;
  let found: Asset | null = null;
  for (const dir of [join(THEMES_DIR, theme, "assets"), join(THEMES_DIR, BASE_THEME, "assets")]) {
    const file = join(dir, name);
    if (existsSync(file) && statSync(file).isFile()) {
      found = load(file);
      break;
    }
  }
  if (existsSync(join(THEMES_DIR, theme))) assets.set(key, found);
  return found;
}

/** `/assets/<theme>/<name>?v=<hash>` for templates. */
export function assetUrl(theme: string, name: string): string {
  const a = themeAsset(theme, name);
  if (!a) throw new Error(`missing asset ${theme}/${name}`);
  return `/assets/${theme}/${name}?v=${a.hash}`;
}

let favicon: Asset | null | undefined;

/** The default favicon in public/. */
export function defaultFavicon(): Asset | null {
  if (favicon === undefined) {
    const file = join(PUBLIC_DIR, "favicon.ico");
    favicon = existsSync(file) ? load(file) : null;
  }
  return favicon;
}

/** A site's derived favicon (DATA_DIR/uploads/sites/<uuid>/favicon-*.png), the one closest to 32 px. */
export function siteFaviconFile(uploadsDir: string, siteUuid: string): string | null {
  const dir = join(uploadsDir, "sites", siteUuid);
  if (!/^[0-9a-f-]{36}$/i.test(siteUuid) || !existsSync(dir)) return null;
  const files = readdirSync(dir).filter((f) => /^favicon-[A-Za-z0-9_-]{1,64}\.png$/.test(f));
  const size = (f: string) => Math.abs((Number(/^favicon-(\d+)\.png$/.exec(f)?.[1]) || 10_000) - 32);
  files.sort((a, b) => size(a) - size(b) || statSync(join(dir, b)).mtimeMs - statSync(join(dir, a)).mtimeMs);
  const closest = files[0];
  return closest === undefined ? null : join(dir, closest);
}
