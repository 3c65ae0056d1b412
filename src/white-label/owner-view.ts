import type { Config } from "../config/config.ts";
import type { Site } from "../db/schema.ts";
import { openSecret, sealSecret } from "../lib/secret-box.ts";
import type { Clock } from "../lib/time.ts";
import { tenantBaseUrl } from "../tenancy/urls.ts";

/**
 * The owner's view of a site, on the site's own host, where the owner is not signed in (a site's
 * accounts are its customers'). The signed-in owner follows a link from the platform's site page
 * (`/white-label/sites/{uuid}/visit`) that carries a short-lived sealed pass; the site trades it
 * for a host-only cookie, sealed too, that marks this browser as the owner's. It grants nothing
 * but the owner's bar on the site's pages (its state and links back to the platform's pages,
 * where the owner is signed in): every action stays on the platform, behind its own sign-in.
 *
 * Both are sealed by `secret-box` (AES-256-GCM) with the site and the kind as context, so a pass
 * of one site cannot open another's bar, and a pass is not a cookie or the other way round. They
 * name the owner: a site given to someone else stops showing the bar to its former owner.
 */
const PASS_MS = 5 * 60_000;
const COOKIE_MS = 30 * 86_400_000;
export const OWNER_COOKIE = "izy_owner";
export const OWNER_COOKIE_MAX_AGE = COOKIE_MS / 1000;

type Kind = "pass" | "cookie";
const context = (siteId: number, kind: Kind) => `owner-view:${siteId}:${kind}`;

function seal(config: Config, clock: Clock, site: Site, kind: Kind, ttlMs: number): string {
  const body = JSON.stringify({ o: site.owner_id, e: clock.now().getTime() + ttlMs });
  return sealSecret(body, config.DATA_ENCRYPTION_KEY, context(site.id, kind));
}

/** Whether `sealed` is a live pass or cookie of this site's current owner. Anything else (tampered, another site's, expired) is false. */
function opens(config: Config, clock: Clock, site: Site, kind: Kind, sealed: string): boolean {
  try {
    const v = JSON.parse(openSecret(sealed, config.DATA_ENCRYPTION_KEY, context(site.id, kind))) as { o?: unknown; e?: unknown };
    return v.o === site.owner_id && typeof v.e === "number" && v.e > clock.now().getTime();
  } catch {
    return false;
  }
}

/** Where the owner's "view my site" link leads: the site's own address, with a pass valid 5 minutes. */
export function ownerViewLink(config: Config, clock: Clock, site: Site): string {
  const pass = seal(config, clock, site, "pass", PASS_MS);
  return `${tenantBaseUrl(config, { kind: "site", siteId: site.id, site })}/owner-view?pass=${encodeURIComponent(pass)}`;
}

/** The cookie's value for a valid pass of this site, or null. */
export function ownerCookieFor(config: Config, clock: Clock, site: Site, pass: string): string | null {
  return opens(config, clock, site, "pass", pass) ? seal(config, clock, site, "cookie", COOKIE_MS) : null;
}

/** Whether the cookie marks this browser as the site's owner's. */
export function isOwnerCookie(config: Config, clock: Clock, site: Site, cookie: string): boolean {
  return opens(config, clock, site, "cookie", cookie);
}
