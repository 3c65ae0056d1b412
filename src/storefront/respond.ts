import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { AppServices } from "../context.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { AppError } from "../core/errors.ts";
import { isHttps } from "../auth/middleware.ts";
import { serverErrorPage } from "../http/plain-pages.ts";
import { unavailableResponse } from "../http/unavailable.ts";
import { isRedisUnavailable } from "../http/rate-limit.ts";
import { isDatabaseUnavailable } from "../db/errors.ts";
import { completeResponse } from "../http/response-headers.ts";
import type { VersionedCache } from "../tenancy/versioned-cache.ts";
import { renderPage, styleHash } from "./render.ts";
import { isLang, type Lang } from "../i18n/lang.ts";
import type { AccountData } from "./account-sources.ts";
import type { AnyPageId, ErrorData, FlashView, OwnerBarView, PageId, PageView } from "./view-models.ts";
import { pageView, tenantLook, translatorFor, type Look, type Visit } from "./view.ts";

/** What every storefront handler shares: the app's services, the page cache and the account loaders. */
export interface Storefront {
  services: AppServices;
  cache: VersionedCache;
  data: AccountData;
  /** The site owner's bar of this request (a feature hands it in), or null. */
  ownerBar: (c: Context<AppEnv>) => Promise<OwnerBarView | null>;
}

const LANG_COOKIE = "izy_lang";

/** ?lang= (remembered in a cookie) > the cookie > the signed-in user's language > the site's default. */
function pageLang(c: Context<AppEnv>, look: Look): Lang {
  const asked = c.req.query("lang");
  if (isLang(asked)) {
    setCookie(c, LANG_COOKIE, asked, { path: "/", httpOnly: true, sameSite: "Lax", secure: isHttps(c), maxAge: 365 * 86400 });
    return asked;
  }
  const kept = getCookie(c, LANG_COOKIE);
  if (isLang(kept)) return kept;
  const language = c.get("user")?.language;
  if (isLang(language)) return language;
  return look.defaultLanguage;
}

const QUERY_PARAMS = new Set(["q", "category", "page", "service", "status", "method", "next", "ref", "flash"]);
const FLASHES: Record<string, FlashView["kind"]> = {
  registered: "success",
  logged_in: "success",
  logged_out: "info",
  password_changed: "success",
  password_changed_here: "success",
  // Account actions (src/storefront-account): the outcome of a POST shown after its redirect.
  deposit_created: "success",
  order_canceled: "success",
  order_cancel_requested: "info",
  order_refill_requested: "success",
  order_action_refused: "error",
  ticket_closed: "info",
  profile_saved: "success",
  session_ended: "success",
  sessions_ended: "success",
  api_key_revoked: "info",
  notifications_read: "success",
  two_factor_expired: "error",
  two_factor_required: "info",
  two_factor_off: "info",
  // The account's address (email-pages.ts and the settings page).
  email_verified: "success",
  email_changed: "success",
  email_change_sent: "info",
  verification_sent: "success",
  verification_throttled: "error",
  email_already_verified: "info",
};

/** Up to 20 of the request's parameters to carry into its language links: not the language, nor one-time notices. */
function pageFilters(params: URLSearchParams): URLSearchParams {
  const kept = [...params].filter(([k, v]) => !["lang", "flash", "done"].includes(k) && k.length <= 40 && v.length <= 200);
  return new URLSearchParams(kept.slice(0, 20));
}

export interface PageRequest {
  look: Look;
  visit: Visit;
  t: PageView["t"];
}

/** Look, language and visitor of this request, without rendering anything yet. */
export async function pageRequest(c: Context<AppEnv>, sf: Storefront, opts: { csrf?: string | null } = {}): Promise<PageRequest> {
  const look = await tenantLook(ctxOf(c), sf.cache);
  const lang = pageLang(c, look);
  const url = new URL(c.req.url);
  // Only parameters pages read survive (into links and cache keys); anything else is dropped.
  const query = new URLSearchParams([...url.searchParams].filter(([k]) => QUERY_PARAMS.has(k)));
  const t = translatorFor(look.theme, lang);
  const flashKey = query.get("flash");
  query.delete("flash");
  const flash = flashKey && FLASHES[flashKey] ? { kind: FLASHES[flashKey], message: t(`flash.${flashKey}`) } : null;
  const user = c.get("user");
  // A signed-in page is never shared: its language links keep every filter of the page (the
  // console's, the owner's figures and orders…), not only the parameters public pages read.
  const langQuery = user ? pageFilters(url.searchParams) : query;
  const [unread, owner] = await Promise.all([user ? sf.data.unread(ctxOf(c)) : 0, sf.ownerBar(c)]);
  return {
    look,
    t,
    visit: { lang, path: url.pathname, query, user, csrf: opts.csrf ?? c.get("session")?.csrf_token ?? null, flash, unread, owner, langQuery },
  };
}

const cspByBrand = new Map<string, string>();
/** The page CSP for a brand style block; one hash per distinct block, not one per request. */
function CSP(brand: string): string {
  let csp = cspByBrand.get(brand);
  if (!csp) {
    csp = [
      "default-src 'self'",
      "script-src 'self'",
      `style-src 'self' ${styleHash(brand)}`,
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; ");
    if (cspByBrand.size > 10_000) cspByBrand.clear();
    cspByBrand.set(brand, csp);
  }
  return csp;
}

/** Whether the storefront already rendered this response: its pages, and only they, carry a CSP. */
export function isStorefrontResponse(res: Response): boolean {
  return res.headers.has("content-security-policy");
}

/** A page's headers: its CSP (no inline script; the brand style block by hash) and caching. */
function pageHeaders(brand: string, cacheable: boolean): Record<string, string> {
  return {
    "content-type": "text/html; charset=UTF-8",
    "content-security-policy": CSP(brand),
    "cache-control": cacheable ? "no-cache" : "private, no-store",
    vary: "Cookie",
    "referrer-policy": "strict-origin-when-cross-origin",
  };
}

function htmlResponse(c: Context<AppEnv>, html: string | Uint8Array<ArrayBuffer>, brand: string, status: number, cacheable: boolean): Response {
  // Cached pages are kept encoded: writing bytes skips re-encoding the same text on every hit.
  return c.body(html, status as 200, pageHeaders(brand, cacheable));
}

export function render<D>(c: Context<AppEnv>, req: PageRequest, page: { id: AnyPageId; title?: string; heading?: string; status?: number }, data: D): Response {
  const view = pageView(req.look, req.visit, page, data);
  return htmlResponse(c, renderPage(view), req.look.brandCss, page.status ?? 200, !req.visit.user && !req.visit.csrf && !req.visit.owner);
}

/**
 * A public page: anonymous visitors share one rendering per (tenant version, page, language,
 * query); signed-in visitors always get a fresh one (their name and balance are on it).
 */
export async function publicPage<D>(
  c: Context<AppEnv>,
  sf: Storefront,
  page: { id: PageId; status?: number },
  build: (req: PageRequest) => Promise<{ data: D; title?: string; heading?: string } | null>,
): Promise<Response> {
  const req = await pageRequest(c, sf);
  // A flash is one visitor's news (a logout, a sign-up), the owner's bar the owner's: such a page is rendered fresh and never kept.
  const shared = !c.get("user") && !req.visit.flash && !req.visit.owner;
  // Free-text searches are cheap to render from the cached catalogue and too varied to keep.
  const cacheable = shared && !req.visit.query.has("q");
  const key = `page:${sf.cache.stamp(c.get("tenant"))}:${page.id}:${req.visit.lang}:${req.visit.path}?${[...req.visit.query].sort().toString()}`;
  if (cacheable) {
    const hit = sf.cache.get<{ bytes: Uint8Array<ArrayBuffer>; status: number }>(key);
    // A cached page is answered complete at once, unless `?lang=` just set the language cookie (a header it would lose).
    if (hit) {
      return isLang(c.req.query("lang"))
        ? htmlResponse(c, hit.bytes, req.look.brandCss, hit.status, true)
        : completeResponse(c, hit.bytes, hit.status, pageHeaders(req.look.brandCss, true));
    }
  }
  const built = await build(req);
  if (!built) return notFoundResponse(c, req);
  const view = pageView(req.look, req.visit, { ...page, title: built.title, heading: built.heading }, built.data);
  const html = renderPage(view);
  const status = page.status ?? 200;
  if (cacheable) sf.cache.set(key, { bytes: new TextEncoder().encode(html), status });
  return htmlResponse(c, html, req.look.brandCss, status, shared);
}

export function notFoundResponse(c: Context<AppEnv>, req: PageRequest): Response {
  const data: ErrorData = { status: 404, title: req.t("error.404_title"), message: req.t("error.404_text") };
  return render(c, req, { id: "not-found", status: 404 }, data);
}

const ERROR_KEYS: Record<number, string> = { 400: "400", 403: "403", 404: "404", 409: "409", 413: "413", 422: "400", 429: "429", 503: "503" };

/** The storefront's onError: domain errors as themed pages in the page language, never JSON. */
export async function errorPage(c: Context<AppEnv>, sf: Storefront, err: unknown): Promise<Response> {
  // The themed page needs the database (the site, its branding): without it, the plain bilingual 503.
  if (isDatabaseUnavailable(err)) return unavailableResponse(c, "page");
  if (isRedisUnavailable(err)) return unavailableResponse(c, "page", "service_unavailable");
  const status = err instanceof AppError ? err.status : 500;
  if (status === 500)
    c.get("services").logger.error("storefront error", {
      requestId: c.get("requestId"),
      path: c.req.path,
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
  try {
    const req = await pageRequest(c, sf);
    if (status === 404) return notFoundResponse(c, req);
    const k = ERROR_KEYS[status] ?? "500";
    const data: ErrorData = { status, title: req.t(`error.${k}_title`), message: req.t(`error.${k}_text`) };
    return render(c, req, { id: status === 503 ? "unavailable" : "error", status, heading: data.title }, data);
  } catch (renderErr) {
    c.get("services").logger.error("storefront error page failed", { error: String(renderErr) });
    return c.html(serverErrorPage(), 500);
  }
}
