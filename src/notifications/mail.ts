import type { Ctx } from "../context.ts";
import { z } from "zod";
import type { Site, User } from "../db/schema.ts";
import { tenantBaseUrl } from "../tenancy/urls.ts";
import type { Rendered } from "../mail/templates.ts";
import { langOf, type Lang } from "../i18n/lang.ts";
import { getSetting } from "../settings/service.ts";

/**
 * Why a mail may go to an address nobody has confirmed yet: it is about the address itself (a link
 * that proves it, a notice of its change, a password reset, which proves it too), or the account was
 * made with it a moment ago (the welcome).
 */
type UnverifiedAllowed = "about-the-address" | "just-registered";

/** The name a tenant's mails carry: a site's own, or the platform's name setting. */
async function brandOf(ctx: Ctx): Promise<string> {
  if (ctx.tenant.kind === "site") return ctx.tenant.site.name;
  return (await getSetting(ctx, "site_name")) || ctx.config.APP_NAME;
}

const replyAddress = z.email().max(190);

/**
 * Where a site's customers' replies go: the contact e-mail its owner set (branding's `contact_email`,
 * checked when saved and again here), or nowhere (the no-reply sending address).
 */
function siteReplyTo(site: Pick<Site, "branding">): string | null {
  let stored: unknown;
  try {
    stored = site.branding ? JSON.parse(site.branding) : null;
  } catch {
    return null;
  }
  const email = stored && typeof stored === "object" ? (stored as Record<string, unknown>).contact_email : null;
  const checked = replyAddress.safeParse(typeof email === "string" ? email.trim() : null);
  return checked.success ? checked.data : null;
}

/**
 * Sends a bilingual e-mail in the recipient's language, branded for the tenant; links come from the
 * stored domain. A site's mail speaks only in the site's name: its name as the sender's, replies to
 * its contact e-mail, sent from the sites' sending address. The one gate of outgoing mail: an
 * address that is not verified gets nothing unless the caller says why it may.
 */
export function sendTenantMail(
  ctx: Ctx,
  to: Pick<User, "email" | "language" | "email_verified_at">,
  build: (p: { brand: string; lang: Lang; baseUrl: string }) => Rendered,
  opts: { unverified?: UnverifiedAllowed } = {},
): void {
  if (!to.email_verified_at && !opts.unverified) {
    ctx.logger.debug("mail not sent: the address is not verified");
    return;
  }
  const lang = langOf(to.language);
  const baseUrl = tenantBaseUrl(ctx.config, ctx.tenant);
  const replyTo = ctx.tenant.kind === "site" ? siteReplyTo(ctx.tenant.site) : null;
  const sender = ctx.tenant.kind === "site" ? { forSite: true, ...(replyTo ? { replyTo } : {}) } : {};
  ctx.mailer.send(brandOf(ctx).then((brand) => ({ to: to.email, fromName: brand, ...sender, ...build({ brand, lang, baseUrl }) })));
}
