import type { Ctx } from "../context.ts";
import { tenantBaseUrl } from "../tenancy/urls.ts";
import type { Rendered } from "../mail/templates.ts";
import { langOf, type Lang } from "../i18n/lang.ts";

/** Sends a bilingual e-mail in the recipient's language, branded for the tenant; links come from the stored domain. */
export function sendTenantMail(
  ctx: Ctx,
  to: { email: string; language: string },
  build: (p: { brand: string; lang: Lang; baseUrl: string }) => Rendered,
): void {
  const brand = ctx.tenant.kind === "site" ? ctx.tenant.site.name : ctx.config.APP_NAME;
  const lang = langOf(to.language);
  const mail = build({ brand, lang, baseUrl: tenantBaseUrl(ctx.config, ctx.tenant) });
  ctx.mailer.send({ to: to.email, ...mail });
}
