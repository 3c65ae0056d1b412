import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { Store } from "hono-rate-limiter";
import type { Config } from "../config/config.ts";
import { TooManyRequests } from "../core/errors.ts";
import { twoFactorCookieName } from "../auth/middleware.ts";
import { challengeUserId } from "../auth/two-factor-challenge.ts";
import { ctxOf, type AppEnv } from "../http/env.ts";
import { readBody } from "../http/body.ts";
import { MINUTE } from "../lib/time.ts";
import { accountKey, failedLoginKey } from "./login-key.ts";

type Outcome = "signed_in" | "pending" | "failed";

/**
 * Failed sign-ins counted per account, whatever the address, beside the per-address login limit:
 * many addresses guessing one password are refused too. The counter is keyed by the account when it
 * exists and by the normalised login otherwise, so the answer never tells whether the account exists.
 * Wrong two-factor codes count on the same counter: `password` guards the password step,
 * `secondFactor` every request that carries a code (the sign-in's second step and the account's
 * two-factor settings).
 */
export function accountLoginThrottle(store: Store<AppEnv>, config: Pick<Config, "LOGIN_FAILURES_PER_ACCOUNT" | "LOGIN_FAILURE_WINDOW_MINUTES">) {
  store.init?.({ windowMs: config.LOGIN_FAILURE_WINDOW_MINUTES * MINUTE } as Parameters<NonNullable<typeof store.init>>[0]);
  const refuseWhenSpent = async (key: string) => {
    if (((await store.get?.(key))?.totalHits ?? 0) >= config.LOGIN_FAILURES_PER_ACCOUNT) {
      throw new TooManyRequests("Too many failed sign-ins for this account; try again later");
    }
  };

  const password = createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.method !== "POST") return next();
    const login = await fieldOf(c, "login");
    if (!login) return next();
    const key = await failedLoginKey(ctxOf(c), login.slice(0, 255));
    await refuseWhenSpent(key);
    await next();
    // Every attempt that did not open a session counts: a wrong password, a banned account, a bad form.
    // A correct password that leads to the code step neither counts nor clears: the code decides.
    const outcome = await outcomeOf(c.res);
    if (outcome === "signed_in") await store.resetKey(key);
    else if (outcome === "failed") await store.increment(key);
  });

  const secondFactor = createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.method !== "POST") return next();
    const userId = await codeOwner(c);
    if (userId === null) return next();
    const key = accountKey(c.get("tenant").siteId, userId);
    await refuseWhenSpent(key);
    await next();
    if (c.res.status >= 400) await store.increment(key);
    else await store.resetKey(key);
  });

  return { password, secondFactor };
}

/** A trimmed text field of the posted body (JSON or form), or null. */
async function fieldOf(c: Context<AppEnv>, name: string): Promise<string | null> {
  if (c.req.raw.headers.get("content-type") === null) return null;
  const body = await readBody(c).catch(() => ({}) as Record<string, unknown>);
  const value = body[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

/** Whose code a request carries: the user of the sign-in's challenge (JSON body or the page's cookie), or the signed-in user. */
async function codeOwner(c: Context<AppEnv>): Promise<number | null> {
  const path = c.req.path;
  if (path === "/api/login/two-factor" || path === "/login/two-factor") {
    const challenge = path.startsWith("/api/") ? await fieldOf(c, "challenge") : (getCookie(c, twoFactorCookieName(c)) ?? null);
    return challenge ? challengeUserId(ctxOf(c), challenge.slice(0, 100)) : null;
  }
  const user = c.get("user");
  return user && (await fieldOf(c, "code")) ? user.id : null;
}

/** The API answers 200 with a token (or with the challenge of the code step); the page redirects with the session cookie (or to the code step). */
async function outcomeOf(res: Response): Promise<Outcome> {
  if (res.status === 200) {
    const body = (await res
      .clone()
      .json()
      .catch(() => null)) as { data?: { token?: unknown; two_factor_required?: unknown } } | null;
    if (body?.data?.two_factor_required === true) return "pending";
    return body?.data?.token ? "signed_in" : "failed";
  }
  if (res.status !== 303) return "failed";
  if ((res.headers.get("set-cookie") ?? "").includes("izy_session=")) return "signed_in";
  return (res.headers.get("location") ?? "").startsWith("/login/two-factor") ? "pending" : "failed";
}
