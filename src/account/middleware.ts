import { createMiddleware } from "hono/factory";
import type { Store } from "hono-rate-limiter";
import type { Config } from "../config/config.ts";
import { TooManyRequests } from "../core/errors.ts";
import { ctxOf, type AppEnv } from "../http/env.ts";
import { readBody } from "../http/body.ts";
import { MINUTE } from "../lib/time.ts";
import { failedLoginKey } from "./login-key.ts";

/**
 * Failed sign-ins counted per account, whatever the address, beside the per-address login limit:
 * many addresses guessing one password are refused too. The counter is keyed by the account when it
 * exists and by the normalised login otherwise, so the answer never tells whether the account exists.
 */
export function accountLoginThrottle(store: Store<AppEnv>, config: Pick<Config, "LOGIN_FAILURES_PER_ACCOUNT" | "LOGIN_FAILURE_WINDOW_MINUTES">) {
  store.init?.({ windowMs: config.LOGIN_FAILURE_WINDOW_MINUTES * MINUTE } as Parameters<NonNullable<typeof store.init>>[0]);
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.method !== "POST") return next();
    const login = await loginOf(c.req.raw.headers.get("content-type"), () => readBody(c));
    if (!login) return next();
    const key = await failedLoginKey(ctxOf(c), login);
    if (((await store.get?.(key))?.totalHits ?? 0) >= config.LOGIN_FAILURES_PER_ACCOUNT) {
      throw new TooManyRequests("Too many failed sign-ins for this account; try again later");
    }
    await next();
    // Every attempt that did not open a session counts: a wrong password, a banned account, a bad form.
    if (signedIn(c.res)) await store.resetKey(key);
    else await store.increment(key);
  });
}

async function loginOf(contentType: string | null, read: () => Promise<Record<string, unknown>>): Promise<string | null> {
  if (contentType === null) return null;
  const body = await read().catch(() => ({}) as Record<string, unknown>);
  const login = body.login;
  return typeof login === "string" && login.trim() !== "" ? login.trim().slice(0, 255) : null;
}

/** The API answers 200 with a token; the page redirects with the session cookie. */
function signedIn(res: Response): boolean {
  if (res.status === 200) return true;
  return res.status === 303 && (res.headers.get("set-cookie") ?? "").includes("izy_session=");
}
