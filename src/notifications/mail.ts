import type { Ctx } from "../context.ts";
import type { User } from "../db/schema.ts";
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

/**
 * Sends a bilingual e-mail in the recipient's language, branded for the tenant; links come from the
 * stored domain. The one gate of outgoing mail: an address that is not verified gets nothing unless
 * the caller says why it may.
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
  ctx.mailer.send(brandOf(ctx).then((brand) => ({ to: to.email, fromName: brand, ...build({ brand, lang, baseUrl }) })));
}
