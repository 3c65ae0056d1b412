import { isIP } from "node:net";
import type { Config } from "../config/config.ts";

/** Labels a reseller may not take under SITES_DOMAIN: infrastructure, the brand, and look-alikes of the platform. */
const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  "www",
  "api",
  "admin",
  "administrator",
  "mail",
  "email",
  "smtp",
  "imap",
  "pop",
  "pop3",
  "webmail",
  "mx",
  "ns",
  "ns1",
  "ns2",
  "dns",
  "ftp",
  "sftp",
  "ssh",
  "vpn",
  "app",
  "apps",
  "dashboard",
  "panel",
  "cpanel",
  "static",
  "assets",
  "cdn",
  "media",
  "img",
  "images",
  "files",
  "uploads",
  "download",
  "downloads",
  "status",
  "support",
  "help",
  "docs",
  "doc",
  "blog",
  "billing",
  "pay",
  "payment",
  "payments",
  "checkout",
  "account",
  "accounts",
  "login",
  "logout",
  "register",
  "signup",
  "auth",
  "oauth",
  "sso",
  "secure",
  "internal",
  "tls",
  "root",
  "system",
  "test",
  "dev",
  "staging",
  "demo",
  "beta",
  "localhost",
  "sites",
  "site",
  "white-label",
  "whitelabel",
  "izyboost",
  "izy",
  "official",
  "security",
  "abuse",
  "postmaster",
  "hostmaster",
  "webmaster",
  "noreply",
  "no-reply",
]);

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Why a slug cannot be used (null when it can): a lowercase DNS label of 3–63 characters, not reserved. */
export function slugProblem(slug: string): string | null {
  if (slug.length < 3 || slug.length > 63) return "Must be 3 to 63 characters";
  if (!DNS_LABEL.test(slug)) return "Use lowercase letters, digits and hyphens; it cannot start or end with a hyphen";
  if (slug.startsWith("xn--") || slug.slice(2, 4) === "--") return "This form is reserved for internationalised names";
  if (RESERVED_SLUGS.has(slug)) return "This name is reserved";
  return null;
}

/** Why a slug would pass for the platform itself (null when it would not): its name inside, with or without hyphens. */
export function brandSlugProblem(slug: string, config: Pick<Config, "APP_NAME">): string | null {
  const brand = config.APP_NAME.toLowerCase().replace(/[^a-z0-9]/g, "");
  return brand && slug.replace(/-/g, "").includes(brand) ? `A site address cannot imitate ${config.APP_NAME}'s name` : null;
}

/** Lower-cased host without a trailing dot. */
export function normalizeHost(raw: string): string {
  return raw.trim().toLowerCase().replace(/\.$/, "");
}

/** Why a custom domain cannot be used (null when it can): a public hostname outside the platform's own names. */
export function customDomainProblem(host: string, config: Config): string | null {
  if (host.length > 253) return "A hostname has at most 253 characters";
  if (isIP(host) || host.startsWith("[")) return "Use a hostname, not an IP address";
  const labels = host.split(".");
  if (labels.length < 2 || !labels.every((l) => DNS_LABEL.test(l))) return "Must be a valid hostname such as shop.example.com";
  const tld = labels[labels.length - 1]!;
  if (!/^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(tld)) return "Must end with a real top-level domain";
  if (["localhost", "local", "internal", "test", "invalid", "example"].includes(tld)) return "This top-level domain cannot be reached from the internet";
  const own = [config.SITES_DOMAIN, new URL(config.APP_URL).hostname.toLowerCase()];
  for (const d of own) {
    if (host === d || host.endsWith(`.${d}`)) return "This name belongs to the platform";
  }
  return null;
}
