import type { Context, MiddlewareHandler } from "hono";
import { rateLimiter, MemoryStore, RedisStore, type RateLimitInfo, type Store } from "hono-rate-limiter";
import { Redis } from "ioredis";
import type { AppEnv } from "./env.ts";
import { TooManyRequests } from "../core/errors.ts";
import { isComplete } from "./response-headers.ts";

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

/** Seconds until the window resets, as hono-rate-limiter counts them (at least 0; none without a reset time). */
function resetSeconds(resetTime: Date | undefined): number | undefined {
  return resetTime ? Math.max(0, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : undefined;
}

/** The draft-6 RateLimit headers of a limiter's state: one rule for every answer, complete ones included. */
function rateLimitHeaders(info: RateLimitInfo, windowMs: number): Record<string, string> {
  const headers: Record<string, string> = {
    "ratelimit-policy": `${info.limit};w=${Math.ceil(windowMs / 1000)}`,
    "ratelimit-limit": String(info.limit),
    "ratelimit-remaining": String(info.remaining),
  };
  const reset = resetSeconds(info.resetTime);
  if (reset) headers["ratelimit-reset"] = String(reset);
  return headers;
}

function setHeaders(c: Context<AppEnv>, headers: Record<string, string>) {
  for (const name in headers) c.header(name, headers[name]);
}

/**
 * A limiter over hono-rate-limiter's counting: the RateLimit headers are written here (and kept in
 * `rateLimitHeaders` for answers made complete by src/http/response-headers.ts); over the limit,
 * Retry-After too and the 429 envelope.
 */
export function limiter(opts: {
  store: Store<AppEnv>;
  windowMs?: number;
  limit: number | ((c: Context<AppEnv>) => number);
  key: (c: Context<AppEnv>) => string;
  skip?: (c: Context<AppEnv>) => boolean;
}): MiddlewareHandler<AppEnv> {
  const windowMs = opts.windowMs ?? 60_000;
  const counting = rateLimiter<AppEnv>({
    windowMs,
    limit: opts.limit as number,
    standardHeaders: false,
    keyGenerator: opts.key,
    store: opts.store,
    handler: (c) => {
      const info = c.get("rateLimit");
      if (info) setHeaders(c, { ...rateLimitHeaders(info, windowMs), "retry-after": String(resetSeconds(info.resetTime) ?? Math.ceil(windowMs / 1000)) });
      throw new TooManyRequests();
    },
  });
  const skip = opts.skip;
  return async (c, next) => {
    if (skip?.(c)) return next();
    return counting(c, async () => {
      const info = c.get("rateLimit");
      const headers = info ? rateLimitHeaders(info, windowMs) : undefined;
      c.set("rateLimitHeaders", headers);
      await next();
      // Written on the answer after its handler; a complete answer has them already.
      if (headers && !isComplete(c.res)) for (const name in headers) c.res.headers.set(name, headers[name]!);
    });
  };
}
