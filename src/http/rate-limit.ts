import type { Context } from "hono";
import { rateLimiter, MemoryStore, RedisStore, type Store } from "hono-rate-limiter";
import { Redis } from "ioredis";
import type { AppEnv } from "./env.ts";
import { TooManyRequests } from "../core/errors.ts";

export type StoreFactory = (prefix: string) => Store<AppEnv>;
/** Whether the shared Redis answers now; null when none is configured. */
export type RedisPing = (() => Promise<boolean>) | null;

const wait = (ms: number) => new Promise<false>((resolve) => setTimeout(() => resolve(false), ms).unref());

/**
 * True when the shared Redis did not answer a command (down, restarting): the client gave up after its
 * retries, or its connection is closed. The request is then a 503 to retry, like a database outage.
 */
export function isRedisUnavailable(err: unknown): boolean {
  const e = err as { name?: string; message?: string } | null;
  if (!e || typeof e !== "object") return false;
  return e.name === "MaxRetriesPerRequestError" || /^(Connection is closed|Stream isn't writeable)/.test(e.message ?? "");
}

/** In-memory counters by default; Redis when REDIS_URL is set, so several instances share them. */
export function createStoreFactory(redisUrl: string | undefined): { make: StoreFactory; ping: RedisPing; close(): Promise<void> } {
  if (!redisUrl) return { make: () => new MemoryStore<AppEnv>(), ping: null, close: async () => {} };
  const redis = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  // An outage is answered per request (503, isRedisUnavailable) and shown by /readyz; ioredis reconnects by itself.
  redis.on("error", () => {});
  const client = {
    scriptLoad: (script: string) => redis.script("LOAD", script) as Promise<string>,
    evalsha: <TArgs extends unknown[], TData = unknown>(sha: string, keys: string[], args: TArgs) =>
      redis.evalsha(sha, keys.length, ...keys, ...(args as (string | number)[])) as Promise<TData>,
    decr: (key: string) => redis.decr(key),
    del: (key: string) => redis.del(key),
  };
  return {
    make: (prefix) => new RedisStore<AppEnv>({ client, prefix: `izy:rl:${prefix}:` }),
    // A disconnected client would queue the PING: answered false at once instead.
    ping: async () => redis.status === "ready" && (await Promise.race([redis.ping().then((r) => r === "PONG"), wait(1000)])) === true,
    close: async () => {
      redis.disconnect();
    },
  };
}

export function limiter(opts: {
  store: Store<AppEnv>;
  windowMs?: number;
  limit: number | ((c: Context<AppEnv>) => number);
  key: (c: Context<AppEnv>) => string;
  skip?: (c: Context<AppEnv>) => boolean;
}) {
  return rateLimiter<AppEnv>({
    windowMs: opts.windowMs ?? 60_000,
    limit: opts.limit as number,
    standardHeaders: "draft-6",
    keyGenerator: opts.key,
    store: opts.store,
    skip: opts.skip,
    handler: () => {
      throw new TooManyRequests();
    },
  });
}
