import { Hono, type Env, type MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { NotFound } from "../core/errors.ts";
import type { AppEnv } from "./env.ts";

const guards = new WeakSet<object>();

/**
 * A feature's sub-app behind a guard, for mounting with `app.route()`: the guard runs before each
 * of the feature's own routes (method and path), so a guarded feature can share a prefix with
 * public routes and a new route of the feature cannot escape it. The guard's Env must provide what
 * the feature's Env promises (a `Hono<AuthedEnv>` needs a guard that sets the user).
 */
export function guarded<G extends F, F extends Env>(guard: MiddlewareHandler<G>, feature: Hono<F>): Hono<F> {
  guards.add(guard);
  const app = new Hono<F>();
  const seen = new Set<string>();
  for (const r of feature.routes) {
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // Middleware the feature registers with use() ("ALL") is guarded too: its paths fail closed.
    app.on(r.method, r.path, guard as unknown as MiddlewareHandler<F>);
  }
  return app.route("/", feature);
}

/**
 * The guard a router entry (`app.routes[i].handler`) runs, seen through the wrapper a sub-app with
 * its own onError puts around its handlers; undefined for anything else. For tests and tools.
 */
export function guardOf(handler: unknown): MiddlewareHandler | undefined {
  let h = handler;
  while (typeof h === "function" && !guards.has(h)) h = (h as { __COMPOSED_HANDLER?: unknown }).__COMPOSED_HANDLER;
  return typeof h === "function" ? (h as MiddlewareHandler) : undefined;
}

/** The platform's own pages (white-label purchase, the admin console): a site host has none of them (its theme's 404). */
export const platformOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get("tenant").kind !== "platform") throw new NotFound("Page not found");
  await next();
});
