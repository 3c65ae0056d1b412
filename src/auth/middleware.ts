import { createMiddleware } from "hono/factory";
import { getCookie } from "hono/cookie";
import type { Context } from "hono";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { Forbidden, Unauthorized } from "../core/errors.ts";
import { validateSessionToken } from "./session.ts";

export function sessionCookieName(c: Context<AppEnv>): string {
  return isHttps(c) ? "__Host-izy_session" : "izy_session";
}

export function isHttps(c: Context<AppEnv>): boolean {
  return c.get("secure") ?? new URL(c.req.url).protocol === "https:";
}

/** Reads the Bearer token (JSON API) or the session cookie (pages) and sets user/session when valid. */
export const loadSession = createMiddleware<AppEnv>(async (c, next) => {
  c.set("user", null);
  c.set("session", null);
  const auth = c.req.header("authorization");
  const bearer = auth && /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
  const token = bearer || getCookie(c, sessionCookieName(c));
  if (token) {
    const found = await validateSessionToken(ctxOf(c), token);
    if (found) {
      c.set("user", found.user);
      c.set("session", found.session);
    }
  }
  await next();
});

export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get("user")) throw new Unauthorized();
  await next();
});

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get("user")) throw new Unauthorized();
  if (c.get("user")!.role !== "admin" || c.get("tenant").kind !== "platform") throw new Forbidden("Administrator access required");
  await next();
});
