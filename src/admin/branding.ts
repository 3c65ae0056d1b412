import type { Ctx } from "../context.ts";
import { Validation } from "../core/errors.ts";
import { getSettings } from "../settings/service.ts";
import { writeAudit } from "../audit/audit.ts";
import { PLATFORM_TENANT_ID } from "../tenancy/scoped.ts";
import { deleteLogo, oneAtATimePerSite, prepareLogo, writeLogo } from "../white-label/logo.ts";
import {
  cleanSettings,
  getTheme,
  PLATFORM_THEME,
  PLATFORM_UPLOADS,
  parseStoredBranding,
  validateBranding,
  type BrandingSettings,
} from "../storefront/themes.ts";

/** The platform theme's branding as its pages render it: the stored values over the theme's defaults. */
export async function platformBranding(ctx: Ctx): Promise<BrandingSettings> {
  return cleanSettings(getTheme(PLATFORM_THEME)!, parseStoredBranding((await getSettings(ctx)).platform_branding ?? null));
}

/**
 * The platform's next branding, checked by the same rule as a site's (`validateBranding` against the
 * platform theme's settings): an object (or its JSON text) of the values to change; 422 naming each field.
 */
export async function checkedPlatformBranding(ctx: Ctx, raw: unknown): Promise<BrandingSettings> {
  let input: unknown = raw;
  if (typeof raw === "string") {
    try {
      input = JSON.parse(raw);
    } catch {
      throw new Validation({ value: ["The branding as a JSON object"] });
    }
  }
  if (!input || typeof input !== "object" || Array.isArray(input)) throw new Validation({ value: ["The branding as a JSON object"] });
  const checked = validateBranding(getTheme(PLATFORM_THEME)!, input as Record<string, unknown>, await platformBranding(ctx));
  if (!checked.ok) throw new Validation(checked.errors);
  return checked.settings;
}

/**
 * Replaces (or, with `remove`, deletes) the platform's logo and the favicons made from it: checked and
 * rendered like a site's (`prepareLogo`, 422 on `logo`), written whole, one change at a time; audited.
 */
export async function replacePlatformLogo(ctx: Ctx, upload: { logo?: unknown; remove?: boolean }): Promise<{ logo: boolean }> {
  if (upload.logo === undefined && !upload.remove) throw new Validation({ logo: ["Send a logo file, or remove the current logo"] });
  const files = upload.logo === undefined ? null : await prepareLogo(upload.logo);
  await oneAtATimePerSite(ctx.config, PLATFORM_UPLOADS, () =>
    files ? writeLogo(ctx.config, PLATFORM_UPLOADS, files) : deleteLogo(ctx.config, PLATFORM_UPLOADS),
  );
  await writeAudit(ctx, { action: files ? "settings.logo" : "settings.logo_removed", targetType: "setting", targetId: "platform_logo" });
  ctx.events.siteChanged(PLATFORM_TENANT_ID);
  return { logo: files !== null };
}
