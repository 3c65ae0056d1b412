import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { Forbidden } from "../http/errors.ts";
import { limiter, type StoreFactory } from "../http/rate-limit.ts";
import { dbNow } from "../lib/time.ts";
import { authenticateApiKey, keyPermissions, type Permission } from "./keys.ts";

/** X-API-Key authentication, an api_logs row per call, and the key's own rate limit. */
export function apiKeyAuth(stores: StoreFactory) {
  const perKey = limiter({
    store: stores("apikey"),
    limit: (c) => c.var.apiKey?.rate_limit_per_minute ?? 60,
    key: (c) => `k:${c.var.apiKey?.id}`,
  });
  return createMiddleware<AppEnv>(async (c, next) => {
    const ctx = ctxOf(c);
    const { key, user } = await authenticateApiKey(ctx, c.req.header("x-api-key"), c.var.clientIp);
    c.set("apiKey", key);
    c.set("user", user);
    const started = performance.now();
    try {
      await perKey(c, next);
    } finally {
      await ctx.db
        .insertInto("api_logs")
        .values({ api_key_id: key.id, method: c.req.method, path: c.req.path.slice(0, 255), status: c.res.status, ip: c.var.clientIp, duration_ms: Math.round(performance.now() - started), created_at: dbNow(ctx.clock) })
        .execute()
        .catch((err) => ctx.logger.warn("api log write failed", { error: String(err) }));
    }
  });
}

export function requirePermission(permission: Permission) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!c.var.apiKey || !keyPermissions(c.var.apiKey).includes(permission)) throw new Forbidden(`This API key lacks the ${permission} permission`, "missing_permission");
    await next();
  });
}
