import type { Db } from "../db/database.ts";
import type { Site } from "../db/schema.ts";
import type { Config } from "../config/config.ts";
import type { Tenant } from "../context.ts";
import { PLATFORM } from "../context.ts";

type Resolution = Tenant | { kind: "unknown" };

/** Lower-cased hostname without port or trailing dot; null when the header is not a hostname. */
export function hostnameOf(hostHeader: string | undefined): string | null {
  if (!hostHeader) return null;
  let h = hostHeader.trim().toLowerCase();
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    return end > 0 ? h.slice(0, end + 1) : null;
  }
  h = h.replace(/:\d+$/, "").replace(/\.$/, "");
  return /^[a-z0-9.-]{1,253}$/.test(h) ? h : null;
}

const SITE_CACHE_MS = 5_000;

/** Host → tenant, with a short per-process cache that site changes invalidate. */
export function createTenantResolver(db: Db, config: Config) {
  const cache = new Map<string, { at: number; site: Site | null }>();
  const platformHosts = new Set(config.platformHosts);
  const suffix = `.${config.SITES_DOMAIN}`;

  async function lookup(host: string): Promise<Site | null> {
    if (host.endsWith(suffix)) {
      const slug = host.slice(0, -suffix.length);
      if (!/^[a-z0-9-]{1,63}$/.test(slug)) return null;
      return (await db.selectFrom("white_label_sites").selectAll().where("slug", "=", slug).executeTakeFirst()) ?? null;
    }
    const site = await db
      .selectFrom("white_label_sites")
      .selectAll()
      .where("custom_domain", "=", host)
      .where("domain_verified_at", "is not", null)
      .executeTakeFirst();
    return site ?? null;
  }

  return {
    async resolve(host: string | null): Promise<Resolution> {
      if (!host) return { kind: "unknown" };
      if (platformHosts.has(host)) return PLATFORM;
      const now = Date.now();
      let hit = cache.get(host);
      if (!hit || now - hit.at > SITE_CACHE_MS) {
        hit = { at: now, site: await lookup(host) };
        if (cache.size > 10_000) cache.clear();
        cache.set(host, hit);
      }
      return hit.site ? { kind: "site", siteId: hit.site.id, site: hit.site } : { kind: "unknown" };
    },
    invalidate(): void {
      cache.clear();
    },
  };
}
