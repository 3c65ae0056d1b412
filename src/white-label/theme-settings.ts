import { Validation, type FieldErrors } from "../core/errors.ts";
import { checkSetting, cleanSettings, getTheme, parseStoredBranding, validateBranding, type SettingValue, type Theme } from "../storefront/themes.ts";
import type { BrandingInput } from "./schema.ts";

/**
 * The `branding` column holds the theme settings a reseller set explicitly (ids of the theme's
 * theme.json), never the defaults: switching themes then gives the new theme's own defaults.
 * The API's common fields map onto those ids.
 */
const COMMON = ["tagline", "primary_color", "accent_color", "footer_text"] as const;
export const CONTACT_SETTINGS = {
  whatsapp: "contact_whatsapp",
  telegram: "contact_telegram",
  email: "contact_email",
  instagram: "instagram_url",
  facebook: "facebook_url",
  tiktok: "tiktok_url",
  youtube: "youtube_url",
  x: "x_url",
} as const;
type ContactKey = keyof typeof CONTACT_SETTINGS;

export type StoredSettings = Record<string, SettingValue>;

function themeOf(slug: string): Theme {
  const theme = getTheme(slug);
  if (!theme) throw new Validation({ template_id: ["This template's theme is not installed"] });
  return theme;
}

/** t.me links and @handles become the bare Telegram username the themes expect. */
function telegramHandle(v: string): string {
  return v
    .trim()
    .replace(/^https?:\/\/(?:www\.)?t(?:elegram)?\.me\//i, "")
    .replace(/^@/, "")
    .replace(/\/+$/, "");
}

/** API input → theme setting ids: values to set, and ids to clear (null). `field` names each id in error details. */
function flatten(input: BrandingInput): { set: Record<string, unknown>; clear: Set<string>; field: Map<string, string> } {
  const set: Record<string, unknown> = {};
  const clear = new Set<string>();
  const field = new Map<string, string>();
  const put = (id: string, value: unknown, name: string) => {
    // One setting named twice (primary_color and settings.primary_color) is refused, not silently half-read.
    if (field.has(id)) throw new Validation({ [name]: [`Also given as ${field.get(id)}: send it once`] });
    field.set(id, name);
    if (value === null || value === "") clear.add(id);
    else set[id] = value;
  };
  for (const [id, value] of Object.entries(input.settings ?? {})) put(id, value, `settings.${id}`);
  for (const id of COMMON) if (input[id] !== undefined) put(id, input[id], id);
  if (input.contact !== undefined) {
    // The contact block is replaced as a whole: links not sent are removed.
    for (const [key, id] of Object.entries(CONTACT_SETTINGS)) {
      const raw = input.contact?.[key as ContactKey];
      put(id, key === "telegram" && typeof raw === "string" ? telegramHandle(raw) : (raw ?? null), `contact.${key}`);
    }
  }
  return { set, clear, field };
}

/** The values of `stored` this theme accepts (a theme switch drops what the new theme does not know). */
function keptFor(theme: Theme, stored: Record<string, unknown>): StoredSettings {
  const out: StoredSettings = {};
  for (const s of theme.settings) {
    if (!(s.id in stored)) continue;
    const r = checkSetting(s, stored[s.id]);
    if ("value" in r) out[s.id] = r.value;
  }
  return out;
}

/**
 * The next stored branding: the current explicit settings (those the theme accepts), with the
 * input applied, every value checked by the theme's own validateBranding. Throws a 422 naming the API fields.
 */
export function nextBranding(templateSlug: string, storedText: string | null, input: BrandingInput): StoredSettings {
  const theme = themeOf(templateSlug);
  const { set, clear, field } = flatten(input);
  const known = new Set(theme.settings.map((s) => s.id));
  const errors: FieldErrors = {};
  for (const id of clear) if (!known.has(id) && field.get(id)?.startsWith("settings.")) errors[field.get(id)!] = ["Unknown setting for this theme"];
  const checked = validateBranding(theme, set);
  if (!checked.ok) for (const [id, messages] of Object.entries(checked.errors)) errors[field.get(id) ?? id] = messages;
  if (Object.keys(errors).length) throw new Validation(errors);
  const next = keptFor(theme, parseStoredBranding(storedText));
  for (const id of Object.keys(set)) next[id] = (checked as { settings: StoredSettings }).settings[id]!;
  for (const id of clear) delete next[id];
  return next;
}

/** What the site's theme will render: defaults with the stored settings over them. */
export function effectiveBranding(templateSlug: string, storedText: string | null): StoredSettings {
  const theme = getTheme(templateSlug);
  return theme ? cleanSettings(theme, parseStoredBranding(storedText)) : (parseStoredBranding(storedText) as StoredSettings);
}
