import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FieldErrors } from "../core/errors.ts";
import { REQUIRED_SETTINGS, themeManifestSchema, type ThemeManifest, type ThemeSetting } from "./schema.ts";
import { LANGS, type Lang } from "../i18n/lang.ts";
import { messagesSchema, type Messages } from "../i18n/catalogue.ts";

export const THEMES_DIR = fileURLToPath(new URL("../../themes/", import.meta.url));
/** Pages, partials, locales and assets every theme inherits unless it ships its own. */
export const BASE_THEME = "_base";
export const PLATFORM_THEME = "platform";
/** The platform's own uploads (its logo) live beside the sites', under uploads/sites/<this>/: never a site's uuid. */
export const PLATFORM_UPLOADS = "platform";
export const DEFAULT_SITE_THEME = "aurora";

export type SettingValue = string | boolean;
export type BrandingSettings = Record<string, SettingValue>;

export interface Theme {
  slug: string;
  dir: string;
  manifest: ThemeManifest;
  settings: ThemeSetting[];
  /** The theme's strings merged over the base strings, per language. */
  messages: Record<Lang, Messages>;
  defaults: BrandingSettings;
}

class ThemeError extends Error {}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ThemeError(`${path}: ${(err as Error).message}`);
  }
}

function readLocale(dir: string, lang: Lang): Messages {
  const path = join(dir, "locales", `${lang}.json`);
  if (!existsSync(path)) return {};
  const parsed = messagesSchema.safeParse(readJson(path));
  if (!parsed.success) throw new ThemeError(`${path}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

/** Reads and validates one theme folder; throws ThemeError with the file and the problem. */
function loadTheme(slug: string, root = THEMES_DIR): Theme {
  const dir = join(root, slug);
  const parsed = themeManifestSchema.safeParse(readJson(join(dir, "theme.json")));
  if (!parsed.success) throw new ThemeError(`${slug}/theme.json: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const manifest = parsed.data;
  for (const [id, type] of Object.entries(REQUIRED_SETTINGS)) {
    const s = manifest.settings.find((x) => x.id === id);
    if (!s || s.type !== type) throw new ThemeError(`${slug}/theme.json: setting ${id} of type ${type} is required`);
  }
  if (!existsSync(join(dir, "layout", "theme.eta"))) throw new ThemeError(`${slug}: layout/theme.eta is missing`);
  const baseDir = join(root, BASE_THEME);
  const messages = {} as Record<Lang, Messages>;
  for (const lang of LANGS) messages[lang] = { ...readLocale(baseDir, lang), ...readLocale(dir, lang) };
  const defaults: BrandingSettings = {};
  for (const s of manifest.settings) defaults[s.id] = s.default;
  return { slug, dir, manifest, settings: manifest.settings, messages, defaults };
}

/** Every theme under themes/ (folders starting with "_" are shared parts, not themes). */
export function loadThemes(root = THEMES_DIR): Map<string, Theme> {
  const out = new Map<string, Theme>();
  for (const name of readdirSync(root).sort()) {
    if (name.startsWith("_") || name.startsWith(".") || !statSync(join(root, name)).isDirectory()) continue;
    if (!/^[a-z0-9-]{1,60}$/.test(name)) throw new ThemeError(`theme folder names are lower-case slugs: ${name}`);
    out.set(name, loadTheme(name, root));
  }
  if (!out.has(DEFAULT_SITE_THEME) || !out.has(PLATFORM_THEME)) throw new ThemeError(`themes/${DEFAULT_SITE_THEME} and themes/${PLATFORM_THEME} are required`);
  return out;
}

let registry: Map<string, Theme> | null = null;

/** The themes loaded once at start (validated; a broken theme stops the start with its file and problem). */
export function themes(): Map<string, Theme> {
  registry ??= loadThemes();
  return registry;
}

export function getTheme(slug: string): Theme | undefined {
  return themes().get(slug);
}

/** Themes a reseller may choose, in a stable order. */
export function listThemes(): { slug: string; name: string; description: { fr: string; en: string }; settings: ThemeSetting[] }[] {
  return [...themes().values()]
    .filter((t) => !t.manifest.platform_only)
    .map((t) => ({ slug: t.slug, name: t.manifest.name, description: t.manifest.description, settings: t.settings }));
}

// ---- Branding values -------------------------------------------------------------------------

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters in branding values is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u2028\u2029]/;

/** One value checked against its setting: the cleaned value, or an error message. */
export function checkSetting(s: ThemeSetting, raw: unknown): { value: SettingValue } | { error: string } {
  if (s.type === "boolean") {
    if (typeof raw === "boolean") return { value: raw };
    if (raw === 1 || raw === "1" || raw === "true" || raw === "on") return { value: true };
    if (raw === 0 || raw === "0" || raw === "false" || raw === "off" || raw === "") return { value: false };
    return { error: "Must be true or false" };
  }
  if (typeof raw !== "string") return { error: "Must be a string" };
  const v = s.type === "textarea" ? raw.replace(/\r\n?/g, "\n").trim() : raw.trim();
  if (s.type === "color") {
    const digits = /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.exec(v)?.[1];
    if (!digits) return { error: "Must be a colour such as #1a2b3c" };
    const hex = digits.length === 3 ? [...digits].map((ch) => ch + ch).join("") : digits;
    return { value: `#${hex.toLowerCase()}` };
  }
  if (s.type === "select")
    return s.options.some((o) => o.value === v) ? { value: v } : { error: `Must be one of: ${s.options.map((o) => o.value).join(", ")}` };
  if (v.length > s.max) return { error: `At most ${s.max} characters` };
  if (CONTROL.test(v) || (s.type !== "textarea" && v.includes("\n"))) return { error: "Contains characters that are not allowed" };
  if (v === "") return { value: "" };
  if (s.type === "url") {
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      return { error: "Must be a full http(s) address" };
    }
    if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password || !url.hostname.includes("."))
      return { error: "Must be a full http(s) address" };
    return { value: url.href };
  }
  if (s.type === "email") return /^[^\s@<>"']{1,64}@[^\s@<>"']+\.[a-z]{2,}$/i.test(v) ? { value: v.toLowerCase() } : { error: "Not a valid e-mail address" };
  if (s.type === "phone") return /^\+?[0-9][0-9 ().-]{5,30}$/.test(v) ? { value: v } : { error: "Not a valid phone number" };
  if (s.type === "text" && s.pattern && !new RegExp(`^(?:${s.pattern})$`).test(v)) return { error: "Not in the expected format" };
  return { value: v };
}

type BrandingResult = { ok: true; settings: BrandingSettings } | { ok: false; errors: FieldErrors };

/**
 * Checks a reseller's branding input against the theme's settings: the cleaned full settings
 * (input over `current` over the defaults), or per-field errors. Unknown keys are errors.
 */
export function validateBranding(theme: Theme, input: Record<string, unknown>, current: Record<string, unknown> = {}): BrandingResult {
  const errors: FieldErrors = {};
  const byId = new Map(theme.settings.map((s) => [s.id, s]));
  for (const key of Object.keys(input)) if (!byId.has(key)) errors[key] = ["Unknown setting for this theme"];
  const settings = cleanSettings(theme, current);
  for (const [key, raw] of Object.entries(input)) {
    const s = byId.get(key);
    if (!s || raw === undefined) continue;
    const r = checkSetting(s, raw === null ? (s.type === "boolean" ? false : "") : raw);
    if ("error" in r) errors[key] = [r.error];
    else settings[key] = r.value;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, settings };
}

/** Stored branding as the theme sees it: each valid value kept, anything else back to its default. */
export function cleanSettings(theme: Theme, stored: Record<string, unknown> | null | undefined): BrandingSettings {
  const out: BrandingSettings = { ...theme.defaults };
  if (!stored || typeof stored !== "object") return out;
  for (const s of theme.settings) {
    if (!(s.id in stored)) continue;
    const r = checkSetting(s, stored[s.id]);
    if ("value" in r) out[s.id] = r.value;
  }
  return out;
}

/** The JSON text of white_label_sites.branding, parsed defensively. */
export function parseStoredBranding(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const v = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}
