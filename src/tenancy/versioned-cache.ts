import type { AppEvents, Tenant } from "../context.ts";

interface Entry<T> {
  at: number;
  value: T;
}

/**
 * Per-process cache of what anonymous visitors see (the storefront's rendered pages, a tenant's
 * priced catalogue and look, the public catalogue's JSON). Keys carry version counters that
 * `siteChanged`/`catalogChanged` bump, so a change is visible on the next request; other instances'
 * changes arrive as the same events through Redis (src/app/cache-bus.ts); a short TTL covers
 * changes made by a process that announces nothing (the CLI's service sync without REDIS_URL). Bounded: the oldest entries go first.
 */
export class VersionedCache {
  private catalogVersion = 1;
  private readonly siteVersions = new Map<number, number>();
  private readonly entries = new Map<string, Entry<unknown>>();
  private readonly ttlMs: number;
  private readonly max: number;
  private readonly now: () => number;

  constructor(events: AppEvents, opts: { ttlMs?: number; max?: number; now?: () => number } = {}) {
    this.ttlMs = opts.ttlMs ?? 60_000;
    this.max = opts.max ?? 1_000;
    this.now = opts.now ?? Date.now;
    events.onSiteChanged((siteId) => {
      this.siteVersions.set(siteId, (this.siteVersions.get(siteId) ?? 1) + 1);
    });
    events.onCatalogChanged(() => {
      this.catalogVersion++;
    });
    events.onAllChanged(() => this.entries.clear());
  }

  /** The part of a key that changes whenever the tenant's site row, rules or the catalogue change. */
  stamp(tenant: Tenant): string {
    const row = tenant.kind === "site" ? `${tenant.site.content_version}.${tenant.site.updated_at}` : "p";
    return `${tenant.siteId}:${this.siteVersions.get(tenant.siteId) ?? 1}:${this.catalogVersion}:${row}`;
  }

  get<T>(key: string): T | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (this.now() - e.at > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    // Re-insert so that Map order is least-recently-used first.
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value as T;
  }

  set<T>(key: string, value: T): T {
    this.entries.delete(key);
    this.entries.set(key, { at: this.now(), value });
    while (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return value;
  }

  async memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.get<T>(key);
    if (hit !== undefined) return hit;
    return this.set(key, await load());
  }

  get size(): number {
    return this.entries.size;
  }
}
