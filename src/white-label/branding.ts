import { sql } from "kysely";
import type { Ctx } from "../context.ts";
import type { Site } from "../db/schema.ts";
import { AppError, Validation, type FieldErrors } from "../core/errors.ts";
import { dbNow } from "../lib/time.ts";
import { setSiteCurrency } from "./currency.ts";
import { deleteLogo, logoPath, oneAtATimePerSite, prepareLogo, writeLogo, type PreparedLogo } from "./logo.ts";
import type { BrandingInput } from "./schema.ts";
import { siteById } from "./sites.ts";
import { nextBranding } from "./theme-settings.ts";

function details(err: unknown): FieldErrors {
  if (err instanceof Validation) return err.details as FieldErrors;
  if (err instanceof AppError) return { _: [err.message] };
  throw err;
}

/**
 * Updates a site's branding (partial: absent fields stay, null clears), optionally with a new logo.
 * Everything is checked first — fields, theme settings against the theme, the logo image — and
 * nothing changes unless all of it is valid. Text is stored as typed; it is escaped when rendered.
 */
export async function updateBranding(ctx: Ctx, site: Site, input: BrandingInput, logo?: unknown): Promise<Site> {
  const errors: FieldErrors = {};
  let templateSlug: string | null = null;
  const templateId = input.template_id ?? site.template_id;
  const template = await ctx.db.selectFrom("white_label_templates").select(["id", "slug", "is_active"]).where("id", "=", templateId).executeTakeFirst();
  if (!template || (input.template_id !== undefined && input.template_id !== site.template_id && !template.is_active))
    errors.template_id = ["Unknown or unavailable template"];
  else templateSlug = template.slug;

  let branding: string | null = site.branding;
  if (templateSlug) {
    try {
      branding = JSON.stringify(nextBranding(templateSlug, site.branding, input));
    } catch (err) {
      Object.assign(errors, details(err));
    }
  }

  let prepared: PreparedLogo | null = null;
  if (logo !== undefined) {
    try {
      prepared = await prepareLogo(logo);
    } catch (err) {
      Object.assign(errors, details(err));
    }
  }
  if (Object.keys(errors).length) throw new Validation(errors);
  // The currency is money, not a label: changed by the one verb that checks it (the platform's rate is followed).
  if (input.currency !== undefined && input.currency !== site.currency) await setSiteCurrency(ctx, site, { currency: input.currency, rate: null });

  const removeLogo = !prepared && input.remove_logo === true;
  // The files and the stored logo_path change together, one request of the site at a time.
  await oneAtATimePerSite(ctx.config, site.uuid, async () => {
    if (prepared) await writeLogo(ctx.config, site.uuid, prepared);
    await ctx.db
      .updateTable("white_label_sites")
      .set({
        name: input.name ?? site.name,
        language: input.language ?? site.language,
        template_id: templateId,
        branding,
        // Left as stored unless this request changes it: another request may have just set it.
        ...(prepared ? { logo_path: logoPath(site.uuid) } : removeLogo ? { logo_path: null } : {}),
        content_version: sql`content_version + 1`,
        updated_at: dbNow(ctx.clock),
      })
      .where("id", "=", site.id)
      .execute();
    if (removeLogo) await deleteLogo(ctx.config, site.uuid);
  });
  ctx.events.siteChanged(site.id);
  return siteById(ctx, site.id);
}
