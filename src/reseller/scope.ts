import type { Ctx } from "../context.ts";
import type { Site } from "../db/schema.ts";
import { NotFound } from "../core/errors.ts";
import { ownedSite } from "../white-label/sites.ts";

/**
 * The reseller acts as the staff of its own site: the same tenant-generic verbs the platform's
 * admins use, with the site as the tenant. Only the owner gets there (anyone else: 404).
 */
export function siteTenantCtx(ctx: Ctx, site: Site): Ctx {
  return { ...ctx, tenant: { kind: "site", siteId: site.id, site } };
}

interface SiteScope {
  site: Site;
  /** The caller (the site's owner) with the site as tenant: every read and write is scoped by site.id. */
  ctx: Ctx;
}

/** The caller's own site by uuid and a site-tenant ctx for it; another user's site (admins included) is a 404. */
export async function resellerScope(ctx: Ctx, uuid: string): Promise<SiteScope> {
  if (ctx.tenant.kind !== "platform") throw new NotFound("Site not found");
  const site = await ownedSite(ctx, uuid);
  return { site, ctx: siteTenantCtx(ctx, site) };
}
