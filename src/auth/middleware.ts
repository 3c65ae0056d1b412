import { createMiddleware } from "hono/factory";
import { getCookie } from "hono/cookie";
import type { Context } from "hono";
import type { AdminEnv, AppEnv, AuthedEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { Forbidden, Unauthorized } from "../core/errors.ts";
import { recentOrValidSession, validateSessionToken } from "./session.ts";
import { mustEnrolTwoFactor } from "./two-factor.ts";
import { assertSameOriginJson } from "../http/csrf.ts";
import { isStaff, staffActionOf, staffMay } from "./roles.ts";

export function sessionCookieName(c: Context<AppEnv>): string {
  return isHttps(c) ? "__Host-izy_session" : "izy_session";
}

/** The pending second step of a page sign-in: host-only, HttpOnly, as long as its challenge lives. */
export function twoFactorCookieName(c: Context<AppEnv>): string {
  return isHttps(c) ? "__Host-izy_2fa" : "izy_2fa";
}

export function isHttps(c: Context<AppEnv>): boolean {
  return c.get("secure") ?? new URL(c.req.url).protocol === "https:";
}

/**
 * The reads that need to know only who asks, not the account as it is now: the public catalogue (the
 * caller's own prices). They may take a session checked a few seconds ago (recent-sessions.ts).
 */
function readsOnlyWhoAsks(c: Context<AppEnv>): boolean {
  return c.req.method === "GET" && c.req.path === "/api/services";
}

/** Reads the Bearer token (JSON API) or the session cookie (pages) and sets user/session when valid. */
export const loadSession = createMiddleware<AppEnv>(async (c, next) => {
  c.set("user", null);
  c.set("session", null);
  const auth = c.req.header("authorization");
  const bearer = auth && /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
  const token = bearer || getCookie(c, sessionCookieName(c));
  if (token) {
    const found = readsOnlyWhoAsks(c) ? await recentOrValidSession(ctxOf(c), token) : await validateSessionToken(ctxOf(c), token);
    if (found) {
      if (!bearer) assertSameOriginJson(c);
      c.set("user", found.user);
      c.set("session", found.session);
    }
  }
  await next();
});

/** The JSON API's guard: a session's user, else the 401 envelope. */
export const requireAuth = createMiddleware<AuthedEnv>(async (c, next) => {
  if (!c.get("user") || !c.get("session")) throw new Unauthorized();
  await next();
});

/**
 * The admin API's guard (mounted at /api/admin): 401 without a session, 403 for anyone but platform
 * staff, for support staff on anything but the support inbox and reading orders and users, and 403
 * `two_factor_enrolment_required` for an admin without a second factor when the platform requires one.
 */
export const requireAdmin = createMiddleware<AdminEnv>(async (c, next) => {
  const user = c.get("user");
  if (!user || !c.get("session")) throw new Unauthorized();
  if (!isStaff(user.role) || c.get("tenant").kind !== "platform") throw new Forbidden("Administrator access required");
  if (!staffMay(user.role, staffActionOf(c.req.method, c.req.path.replace(/^\/api\/admin/, "")))) throw new Forbidden("Your role does not allow this action");
  if (await mustEnrolTwoFactor(ctxOf(c), user)) {
    throw new Forbidden("Administrators must turn on two-factor sign-in first: POST /api/user/two-factor/start", "two_factor_enrolment_required");
  }
  await next();
});

/**
 * The pages' guard: a visitor without a session goes to the login page, which brings them back
 * (a page they asked for; after a form post, the section the form belongs to).
 */
export const signedIn = createMiddleware<AuthedEnv>(async (c, next) => {
  if (!c.get("user") || !c.get("session")) {
    const url = new URL(c.req.url);
    const back = c.req.method === "GET" || c.req.method === "HEAD" ? url.pathname + url.search : `/${url.pathname.split("/")[1] ?? ""}`;
    return c.redirect(`/login?next=${encodeURIComponent(back)}`, 303);
  }
  await next();
});
