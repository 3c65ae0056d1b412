import { Hono, type Context } from "hono";
import { platformBranding, replacePlatformLogo } from "../admin/branding.ts";
import { prepareLogo } from "../white-label/logo.ts";
import { listSettings, updateSetting } from "../admin/service.ts";
import { BadRequest, NotFound, Validation } from "../core/errors.ts";
import { plainNumber } from "../core/form-number.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { formatPercent } from "../money/money.ts";
import { requireCsrf } from "../storefront/csrf.ts";
import type { Storefront } from "../storefront/respond.ts";
import { getTheme, PLATFORM_THEME } from "../storefront/themes.ts";
import { tenantLook } from "../storefront/view.ts";
import { consolePage, type ConsoleFormat } from "./frame.ts";

type Fields = Record<string, string>;
type Input = "percent" | "number" | "money" | "boolean" | "select" | "text" | "currency";

const GROUPS = ["general", "maintenance", "pricing", "finance", "orders", "referral", "white_label", "security"] as const;
const SELECTS: Record<string, { value: string; label: string }[]> = {
  default_language: [
    { value: "fr", label: "Français" },
    { value: "en", label: "English" },
  ],
};

/** The input a setting gets, from its declared type and key. */
function inputOf(key: string, type: string): Input {
  if (type === "integer") return key.endsWith("_bp") ? "percent" : "number";
  if (type === "money" || type === "boolean") return type;
  if (key in SELECTS) return "select";
  return key === "currency" ? "currency" : "text";
}

/** How a stored value shows in its input: a percentage for basis points, a plain amount for money. */
function shown(f: ConsoleFormat, input: Input, value: string): string {
  if (input === "percent") return f.lang === "fr" ? formatPercent(Number(value)).replace(".", ",") : formatPercent(Number(value));
  if (input === "money") return value.replace(/\.00$/, "");
  return value;
}

/** What the typed text is for the verb: "12,5" in a percent field is "12.5%", "10 000" is 10000. */
function typed(input: Input, raw: string): string {
  if (input === "percent") return raw.trim() === "" ? "" : `${plainNumber(raw.replace(/%\s*$/, ""))}%`;
  if (input === "money" || input === "number") return plainNumber(raw);
  return raw;
}

const ERROR_OF: Record<Input, MessageKey> = {
  percent: "admin.settings.error.percent",
  number: "admin.settings.error.integer",
  money: "admin.settings.error.money",
  boolean: "admin.settings.error.boolean",
  select: "admin.settings.error.select",
  text: "admin.settings.error.text",
  currency: "admin.settings.error.currency",
};
const BRANDING_ERROR: Record<string, MessageKey> = {
  color: "admin.settings.error.color",
  url: "admin.settings.error.url",
  email: "admin.settings.error.email",
  phone: "admin.settings.error.phone",
};

interface State {
  /** The form that was refused: a setting's key, or "platform_branding", with what was typed and the fields in error. */
  key?: string;
  values?: Fields;
  errors?: Record<string, MessageKey>;
  status?: number;
}

async function form(c: Context<AppEnv>): Promise<Fields> {
  const out: Fields = {};
  for (const [k, v] of Object.entries(await c.req.parseBody())) if (k !== "_csrf" && typeof v === "string") out[k] = v.slice(0, 2000);
  return out;
}

/** The Settings section: every platform setting by group with its own input, and the platform's look (branding). */
export function settingsConsolePages(sf: Storefront) {
  const app = new Hono<AppEnv>();

  const settingsPage = (c: Context<AppEnv>, state: State = {}) =>
    consolePage(c, sf, { id: "admin-settings", section: "settings", heading: "admin.settings.title", status: state.status }, async (f) => {
      const ctx = ctxOf(c);
      const [settings, branding] = await Promise.all([listSettings(ctx), platformBranding(ctx)]);
      const theme = getTheme(PLATFORM_THEME)!;
      const done = c.req.query("done");
      const known = settings.filter((s) => (GROUPS as readonly string[]).includes(s.group));
      const brandingRefused = state.key === "platform_branding";
      return {
        currency: f.currency,
        done:
          done === "platform_branding"
            ? f.tx("admin.settings.branding_saved")
            : known.some((s) => s.key === done)
              ? f.tx("admin.settings.saved", { name: f.tx(`admin.settings.${done}.label` as MessageKey) })
              : null,
        groups: GROUPS.map((g) => ({
          id: g,
          label: f.tx(`admin.settings.group.${g}`),
          settings: known
            .filter((s) => s.group === g)
            .map((s) => {
              const input = inputOf(s.key, s.type);
              const refused = state.key === s.key;
              const value = refused ? (state.values?.value ?? "") : shown(f, input, s.value);
              return {
                key: s.key,
                input,
                label: f.tx(`admin.settings.${s.key}.label` as MessageKey),
                help: f.tx(`admin.settings.${s.key}.help` as MessageKey),
                hint:
                  input === "percent"
                    ? f.tx("admin.settings.percent_hint")
                    : input === "money"
                      ? f.tx("admin.settings.money_hint", { currency: f.currency })
                      : "",
                value,
                checked: input === "boolean" && value === "1",
                options: (SELECTS[s.key] ?? []).map((o) => ({ ...o, selected: o.value === value })),
                error: refused && state.errors?.value ? f.tx(state.errors.value) : null,
              };
            }),
        })),
        logo: {
          url: (await tenantLook(ctx, sf.cache)).logoUrl,
          error: brandingRefused && state.errors?.logo ? f.tx(state.errors.logo) : null,
        },
        branding: theme.settings.map((s) => {
          const stored = branding[s.id];
          const value = brandingRefused && s.id in (state.values ?? {}) ? state.values![s.id]! : String(stored ?? "");
          return {
            id: s.id,
            type: s.type,
            label: s.label[f.lang],
            value,
            checked: s.type === "boolean" && (brandingRefused ? state.values?.[s.id] === "1" : stored === true),
            max: "max" in s ? s.max : undefined,
            error: brandingRefused && state.errors?.[s.id] ? f.tx(state.errors[s.id]!) : null,
          };
        }),
      };
    });

  app.get("/admin/settings", (c) => settingsPage(c));

  app.post("/admin/settings/platform_branding", requireCsrf, async (c) => {
    const body = await c.req.parseBody().catch(() => {
      throw new BadRequest("Malformed form body", "invalid_body");
    });
    const fields: Fields = {};
    for (const [k, v] of Object.entries(body)) if (k !== "_csrf" && typeof v === "string") fields[k] = v.slice(0, 2000);
    const theme = getTheme(PLATFORM_THEME)!;
    const input: Record<string, unknown> = {};
    for (const s of theme.settings)
      if (s.type === "boolean") input[s.id] = fields[s.id] === "1";
      else if (s.id in fields) input[s.id] = fields[s.id];
    // A browser form with no file chosen sends an empty part: no new logo.
    const logo = body.logo instanceof File && body.logo.size > 0 ? body.logo : undefined;
    try {
      const ctx = ctxOf(c);
      // The image is checked before anything is saved, so a refused logo changes nothing.
      if (logo) await prepareLogo(logo);
      await updateSetting(ctx, "platform_branding", input);
      if (logo || fields.remove_logo === "1") await replacePlatformLogo(ctx, logo ? { logo } : { remove: true });
      return c.redirect("/admin/settings?done=platform_branding#branding", 303);
    } catch (err) {
      if (!(err instanceof Validation)) throw err;
      const errors = Object.fromEntries(
        Object.keys(err.details ?? {}).map((id) => [
          id,
          id === "logo" ? "admin.settings.error.logo" : (BRANDING_ERROR[theme.settings.find((s) => s.id === id)?.type ?? ""] ?? "admin.settings.error.long"),
        ]),
      ) as Record<string, MessageKey>;
      return settingsPage(c, { key: "platform_branding", values: fields, errors, status: 422 });
    }
  });

  app.post("/admin/settings/:key{[a-z0-9_]+}", requireCsrf, async (c) => {
    const key = c.req.param("key");
    const current = (await listSettings(ctxOf(c))).find((s) => s.key === key && s.type !== "branding");
    const fields = await form(c);
    if (!current) throw new NotFound("Unknown setting");
    const input = inputOf(key, current.type);
    try {
      await updateSetting(ctxOf(c), key, typed(input, fields.value ?? ""));
      return c.redirect(`/admin/settings?done=${key}#s-${key}`, 303);
    } catch (err) {
      if (!(err instanceof Validation)) throw err;
      const error = key === "currency_rates" ? "admin.settings.error.rates" : ERROR_OF[input];
      return settingsPage(c, { key, values: { value: fields.value ?? "" }, errors: { value: error }, status: 422 });
    }
  });

  return app;
}
