import { createMiddleware } from "hono/factory";
import type { Context, Next } from "hono";
import type { ApiKeyEnv, AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import type { Ctx } from "../context.ts";
import { AppError, Forbidden, TooManyRequests, Unauthorized } from "../core/errors.ts";
import { limiter, type StoreFactory } from "../http/rate-limit.ts";
import type { Config } from "../config/config.ts";
import { MINUTE } from "../lib/time.ts";
import { isDatabaseUnavailable } from "../db/errors.ts";
import { admitApiKey, findApiKey, isLiveKey, keyPermissions, logApiCall, presentedPrefix, type Permission } from "./keys.ts";

/** The answer to a bad key once its address or prefix is over the limit (v1 envelope and v2 body alike). */
export const TOO_MANY_BAD_KEYS = "Too many invalid API keys; try again later";

type KeyLimiter = (c: Context, next: Next) => Promise<Response | void>;

/**
 * Counts bad API keys (unknown, revoked or expired) per client address and per presented prefix.
 * It is consulted only after the key was looked up and found bad, so a valid key is always admitted,
 * even from a shared carrier address that also sent bad ones; and it counts any key-shaped prefix,
 * existing or not, so its 429 never tells which prefixes exist. A valid key never resets a counter.
 */
interface KeyGuessGuard {
  /** "limited" when the address or the prefix is over its limit (nothing counted), else counts the failure. */
  refuse(ip: string, raw: string | undefined | null): Promise<"limited" | "counted">;
}

/** One app's API-key limits, built once by the composition root and handed to both /api/v1 and /api/v2, so they share counters. */
export interface KeyLimits {
  /** The per-key rate limit (the key's own rate_limit_per_minute); expects c.get("apiKey") to be set. */
  perKey: KeyLimiter;
  /** Counts bad API keys per client address and per key prefix, so guessing keys is not free load. */
  guard: KeyGuessGuard;
}

type GuardLimits = Pick<Config, "API_KEY_FAILURES_PER_ADDRESS" | "API_KEY_FAILURES_PER_PREFIX" | "API_KEY_FAILURE_WINDOW_MINUTES">;

export function keyLimits(stores: StoreFactory, config: GuardLimits): KeyLimits {
  const perKey = limiter({
    store: stores("apikey"),
    limit: (c) => c.get("apiKey")?.rate_limit_per_minute ?? 60,
    key: (c) => `k:${c.get("apiKey")?.id}`,
  }) as KeyLimiter;
  const window = { windowMs: config.API_KEY_FAILURE_WINDOW_MINUTES * MINUTE };
  const byAddress = stores("badkey");
  const byPrefix = stores("badkey-prefix");
  for (const store of [byAddress, byPrefix]) store.init?.(window as Parameters<NonNullable<typeof store.init>>[0]);
  const guard: KeyGuessGuard = {
    async refuse(ip, raw) {
      const prefix = presentedPrefix(raw);
      const counters = [{ store: byAddress, key: ip, limit: config.API_KEY_FAILURES_PER_ADDRESS }];
      if (prefix) counters.push({ store: byPrefix, key: prefix, limit: config.API_KEY_FAILURES_PER_PREFIX });
      const hits = await Promise.all(counters.map(async (k) => (await k.store.get?.(k.key))?.totalHits ?? 0));
      if (counters.some((k, i) => hits[i]! >= k.limit)) return "limited";
      await Promise.all(counters.map((k) => k.store.increment(k.key)));
      return "counted";
    },
  };
  return { perKey, guard };
}

/** The HTTP status a thrown error ends up as (onError maps AppErrors to their own status). */
export function statusOfError(err: unknown): number {
  return err instanceof AppError ? err.status : isDatabaseUnavailable(err) ? 503 : 500;
}

/** X-API-Key authentication, an api_logs row per call made with a known key, and the key's own rate limit. */
export function apiKeyAuth({ perKey, guard }: KeyLimits) {
  return createMiddleware<ApiKeyEnv>(async (c, next) => {
    const ctx: Ctx = { ...ctxOf(c), user: null }; // nobody is known until the key is admitted
    const started = performance.now();
    const raw = c.req.header("x-api-key");
    const key = await findApiKey(ctx, raw);
    if (!key || !isLiveKey(ctx, key)) {
      if ((await guard.refuse(c.get("clientIp"), raw)) === "limited") throw new TooManyRequests(TOO_MANY_BAD_KEYS);
      if (!key) throw new Unauthorized("A valid API key is required", "invalid_api_key");
    }
    let status = 500;
    try {
      const user = await admitApiKey(ctx, key, c.get("clientIp"));
      c.set("apiKey", key);
      c.set("user", user);
      await perKey(c, next);
      status = c.res.status;
    } catch (err) {
      // Errors thrown here (refusals, the rate limit) become responses only after this middleware.
      status = statusOfError(err);
      throw err;
    } finally {
      await logApiCall(ctx, { keyId: key.id, method: c.req.method, path: c.req.path, status, ip: c.get("clientIp"), durationMs: performance.now() - started });
    }
  });
}

export function hasPermission(key: AppEnv["Variables"]["apiKey"], permission: Permission): boolean {
  return Boolean(key && keyPermissions(key).includes(permission));
}

export function requirePermission(permission: Permission) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!hasPermission(c.get("apiKey"), permission)) throw new Forbidden(`This API key lacks the ${permission} permission`, "missing_permission");
    await next();
  });
}
