import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Eta } from "eta";
import { BASE_THEME, THEMES_DIR, getTheme, type BrandingSettings, type Theme } from "./themes.ts";
import type { PageView } from "./view-models.ts";

const TEMPLATE_NAME = /^(layout|pages|partials)\/[a-z0-9][a-z0-9_-]{0,60}$/;

const engines = new Map<string, Eta>();

/**
 * One Eta engine per theme: autoEscape on, templates cached, and names resolved in the theme
 * folder first, then in themes/_base (a theme overrides only what it changes).
 */
function engineFor(theme: Theme): Eta {
  let eta = engines.get(theme.slug);
  if (eta) return eta;
  eta = new Eta({ views: theme.dir, autoEscape: true, autoTrim: [false, "nl"], cache: true, defaultExtension: ".eta" });
  const baseDir = join(THEMES_DIR, BASE_THEME);
  const resolved = new Map<string, string>();
  eta.resolvePath = (name: string) => {
    const hit = resolved.get(name);
    if (hit) return hit;
    const clean = name.replace(/\.eta$/, "").replace(/^\.?\//, "");
    if (!TEMPLATE_NAME.test(clean)) throw new Error(`template name not allowed: ${name}`);
    for (const dir of [theme.dir, baseDir]) {
      const file = join(dir, `${clean}.eta`);
      if (existsSync(file)) {
        resolved.set(name, file);
        return file;
      }
    }
    throw new Error(`template not found in ${theme.slug} or ${BASE_THEME}: ${clean}`);
  };
  engines.set(theme.slug, eta);
  return eta;
}

/** Renders a page inside the theme's layout. The result is escaped HTML from trusted templates only. */
export function renderPage(view: PageView): string {
  const theme = getTheme(view.site.theme);
  if (!theme) throw new Error(`unknown theme ${view.site.theme}`);
  const eta = engineFor(theme);
  const body = eta.render(`pages/${view.page.id}`, view);
  return eta.render("layout/theme", { ...view, body });
}

// ---- Branding colours → CSS custom properties ----------------------------------------------

type Rgb = [number, number, number];

function rgbOf(hex: string): Rgb {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

function hexOf(rgb: Rgb): string {
  return `#${rgb
    .map((v) =>
      Math.round(Math.max(0, Math.min(255, v)))
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")}`;
}

function luminance([r, g, b]: Rgb): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrastRatio(a: string, b: string): number {
  const la = luminance(rgbOf(a));
  const lb = luminance(rgbOf(b));
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function mix(a: Rgb, b: Rgb, w: number): Rgb {
  return a.map((v, i) => v * (1 - w) + (b[i] ?? v) * w) as Rgb;
}

/** The colour moved towards black or white until it reads on `background` (WCAG AA, 4.5:1). */
export function readableOn(color: string, background: string, min = 4.5): string {
  if (contrastRatio(color, background) >= min) return color;
  const target: Rgb = luminance(rgbOf(background)) > 0.4 ? [0, 0, 0] : [255, 255, 255];
  for (let w = 0.1; w <= 1; w += 0.1) {
    const c = hexOf(mix(rgbOf(color), target, w));
    if (contrastRatio(c, background) >= min) return c;
  }
  return hexOf(target);
}

const COLOR = /^#[0-9a-f]{6}$/;

/**
 * The `:root{…}` block of a site's colours. Only validated #rrggbb values reach it (anything else
 * is dropped), so it never contains a character HTML or CSS would treat specially.
 */
export function brandCss(settings: BrandingSettings, colorIds: string[]): string {
  const vars: string[] = [];
  const bg = typeof settings.background_color === "string" && COLOR.test(settings.background_color) ? settings.background_color : "#ffffff";
  for (const id of colorIds) {
    const v = settings[id];
    if (typeof v !== "string" || !COLOR.test(v)) continue;
    const name = id.replace(/_/g, "-");
    vars.push(`--${name}:${v}`);
    if (id === "background_color" || id === "text_color") continue;
    vars.push(`--${name}-contrast:${contrastRatio(v, "#ffffff") >= contrastRatio(v, "#111111") ? "#ffffff" : "#111111"}`);
    vars.push(`--${name}-ink:${readableOn(v, bg)}`);
  }
  const css = `:root{${vars.join(";")}}`;
  if (!/^[a-z0-9:;#{}(),.% -]*$/.test(css)) throw new Error("brand CSS must contain validated values only");
  return css;
}

/** CSP source for the generated style block (the page caches keep the same block, so a hash fits). */
export function styleHash(css: string): string {
  return `'sha256-${createHash("sha256").update(css).digest("base64")}'`;
}
