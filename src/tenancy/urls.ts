import type { Config } from "../config/config.ts";
import type { Tenant } from "../context.ts";

/**
 * The public base URL of a tenant, from what is stored (APP_URL, the verified custom domain,
 * or the slug under SITES_DOMAIN) — never from the request's Host header.
 */
export function tenantBaseUrl(config: Config, tenant: Tenant): string {
  if (tenant.kind === "platform") return config.APP_URL;
  const app = new URL(config.APP_URL);
  const site = tenant.site;
  if (site.custom_domain && site.domain_verified_at) return `https://${site.custom_domain}`;
  return `${app.protocol}//${site.slug}.${config.SITES_DOMAIN}${app.port ? `:${app.port}` : ""}`;
}
