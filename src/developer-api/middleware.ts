import { createMiddleware } from "hono/factory";
import type { Context, Next } from "hono";
import type { ApiKeyEnv, AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import type { Ctx } from "../context.ts";
import { AppError, Forbidden, TooManyRequests, Unauthorized } from "../core/errors.ts";
import { limiter, type StoreFactory } from "../http/rate-limit.ts";
import { admitApiKey, findApiKey, keyPermissions, logApiCall, type Permission } from "./keys.ts";

type KeyLimiter = (c: Context, next: Next) => Promise<Response | void>;

/** Unknown keys tried from one address in a minute before it is refused without a database lookup. */
export const FAILED_KEYS_PER_MINUTE = 30;
type FailedKeyGuard = { blocked(ip: string): Promise<boolean>; failed(ip: string): Promise<void> };

/** One app's API-key limits, built once by the composition root and handed to both /api/v1 and /api/v2, so they share counters. */
export interface KeyLimits {
  /** The per-key rate limit (the key's own rate_limit_per_minute); expects c.get("apiKey") to be set. */
  perKey: KeyLimiter;
  /** Counts unknown API keys per client address, so guessing keys is not free load. */
  guard: FailedKeyGuard;
}

export function keyLimits(stores: StoreFactory): KeyLimits {
  const perKey = limiter({
    store: stores("apikey"),
    limit: (c) => c.get("apiKey")?.rate_limit_per_minute ?? 60,
    key: (c) => `k:${c.get("apiKey")?.id}`,
  }) as KeyLimiter;
  const store = stores("badkey");
  store.init?.({ windowMs: 60_000 } as Parameters<NonNullable<typeof store.init>>[0]);
  const guard: FailedKeyGuard = {
    blocked: async (ip) => ((await store.get?.(ip))?.totalHits ?? 0) >= FAILED_KEYS_PER_MINUTE,
    failed: async (ip) => void (await store.increment(ip)),
  };
  return { perKey, guard };
}

/** The HTTP status a thrown error ends up as (onError maps AppErrors to their own status). */
export function statusOfError(err: unknown): number {
  return err instanceof AppError ? err.status : 500;
}

/** X-API-Key authentication, an api_logs row per call made with a known key, and the key's own rate limit. */
export function apiKeyAuth({ perKey, guard }: KeyLimits) {
  return createMiddleware<ApiKeyEnv>(async (c, next) => {
    const ctx: Ctx = { ...ctxOf(c), user: null }; // nobody is known until the key is admitted
    const started = performance.now();
    if (await guard.blocked(c.get("clientIp"))) throw new TooManyRequests("Too many invalid API keys from this address; try again in a minute");
    const key = await findApiKey(ctx, c.req.header("x-api-key"));
    if (!key) {
      await guard.failed(c.get("clientIp"));
      throw new Unauthorized("A valid API key is required", "invalid_api_key");
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
