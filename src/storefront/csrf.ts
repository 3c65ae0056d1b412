import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { getCookie, setCookie } from "hono/cookie";
import type { Config } from "../config/config.ts";
import type { Logger } from "../lib/logger.ts";
import type { AppEnv } from "../http/env.ts";
import { Forbidden } from "../core/errors.ts";
import { isHttps } from "../auth/middleware.ts";

const TOKEN_TTL_S = 4 * 3600;
const REISSUE_BELOW_S = 3600;

const secrets = new Map<string, Buffer>();

/**
 * The key that signs anonymous CSRF tokens: random, created once under DATA_DIR (shared by the
 * instances that share uploads), never in the database where admin settings could show it.
 */
function storefrontSecret(config: Config, logger?: Logger): Buffer {
  const dir = join(config.DATA_DIR, "keys");
  const hit = secrets.get(dir);
  if (hit) return hit;
  const file = join(dir, "storefront.key");
  let key: Buffer;
  try {
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // Write aside, then link: the key file appears complete or not at all, even with two processes.
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
      writeFileSync(tmp, randomBytes(32).toString("hex"), { mode: 0o600 });
      try {
        linkSync(tmp, file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      } finally {
        rmSync(tmp, { force: true });
      }
    }
    key = Buffer.from(readFileSync(file, "utf8").trim(), "hex");
    if (key.length < 32) throw new Error("key file too short");
  } catch (err) {
    logger?.warn("storefront key not persisted; anonymous forms work on this process only", { error: String(err) });
    key = randomBytes(32);
  }
  secrets.set(dir, key);
  return key;
}

function sign(secret: Buffer, siteId: number, nonce: string, exp: number): string {
  return createHmac("sha256", secret).update(`csrf.${siteId}.${nonce}.${exp}`).digest("base64url");
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

function csrfCookieName(c: Context<AppEnv>): string {
  return isHttps(c) ? "__Host-izy_csrf" : "izy_csrf";
}

function secretOf(c: Context<AppEnv>): Buffer {
  return storefrontSecret(c.get("services").config, c.get("services").logger);
}

/** Valid signed anonymous token for this tenant and not expired: its expiry (seconds), else 0. */
function anonymousExpiry(c: Context<AppEnv>, token: string | undefined): number {
  const [, nonce, expiry, mac] = (token && /^([A-Za-z0-9_-]{22})\.(\d{10})\.([A-Za-z0-9_-]{43})$/.exec(token)) || [];
  if (!nonce || !expiry || !mac) return 0;
  const exp = Number(expiry);
  if (exp * 1000 <= c.get("services").clock.now().getTime()) return 0;
  return safeEqual(mac, sign(secretOf(c), c.get("tenant").siteId, nonce, exp)) ? exp : 0;
}

/**
 * The token a form on this page carries: the session's own token for a signed-in visitor, else a
 * signed double-submit token, bound to the tenant, also set as a host-only HttpOnly cookie.
 */
export function csrfToken(c: Context<AppEnv>): string {
  const session = c.get("session");
  if (session) return session.csrf_token;
  const existing = getCookie(c, csrfCookieName(c));
  const nowS = Math.floor(c.get("services").clock.now().getTime() / 1000);
  const exp = anonymousExpiry(c, existing);
  if (existing && exp - nowS > REISSUE_BELOW_S) return existing;
  const nonce = randomBytes(16).toString("base64url");
  const newExp = nowS + TOKEN_TTL_S;
  const token = `${nonce}.${newExp}.${sign(secretOf(c), c.get("tenant").siteId, nonce, newExp)}`;
  setCookie(c, csrfCookieName(c), token, { path: "/", httpOnly: true, sameSite: "Lax", secure: isHttps(c), maxAge: TOKEN_TTL_S });
  return token;
}

/** Checks `_csrf` of a form POST against the session's token or the signed anonymous cookie. */
function csrfValid(c: Context<AppEnv>, submitted: unknown): boolean {
  if (typeof submitted !== "string" || submitted.length === 0 || submitted.length > 200) return false;
  const session = c.get("session");
  if (session && safeEqual(submitted, session.csrf_token)) return true;
  const cookie = getCookie(c, csrfCookieName(c));
  return Boolean(cookie) && safeEqual(submitted, cookie!) && anonymousExpiry(c, cookie) > 0;
}

/** Every storefront POST goes through this: a form without a valid `_csrf` answers 403. */
export const requireCsrf = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method !== "POST") return next();
  const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  if (!csrfValid(c, (form as Record<string, unknown>)._csrf)) throw new Forbidden("The form has expired or did not come from this site", "csrf_failed");
  await next();
});
