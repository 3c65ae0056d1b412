import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { isHttps } from "../auth/middleware.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import type { OwnerBarView } from "../storefront/view-models.ts";
import { siteTenantCtx } from "../reseller/scope.ts";
import { tenantBaseUrl } from "../tenancy/urls.ts";
import { PLATFORM } from "../context.ts";
import { takesDeposits } from "./deposit-readiness.ts";
import { OWNER_COOKIE, OWNER_COOKIE_MAX_AGE, isOwnerCookie, ownerCookieFor } from "./owner-view.ts";

/**
 * On a site's host: `/owner-view?pass=…` trades the owner's pass for the owner cookie and leads to
 * the home page (the pass leaves the address bar at once); `/owner-view/exit` forgets it. Neither
 * shows anything to anyone else: a bad pass, or the platform's host, just leads home.
 */
export function ownerViewPages(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/owner-view", (c) => {
    const tenant = c.get("tenant");
    const ctx = ctxOf(c);
    const cookie = tenant.kind === "site" ? ownerCookieFor(ctx.config, ctx.clock, tenant.site, c.req.query("pass") ?? "") : null;
    if (cookie) setCookie(c, OWNER_COOKIE, cookie, { path: "/", httpOnly: true, sameSite: "Lax", secure: isHttps(c), maxAge: OWNER_COOKIE_MAX_AGE });
    c.header("cache-control", "private, no-store");
    c.header("referrer-policy", "no-referrer");
    return c.redirect("/", 303);
  });
  app.get("/owner-view/exit", (c) => {
    deleteCookie(c, OWNER_COOKIE, { path: "/", secure: isHttps(c) });
    c.header("cache-control", "private, no-store");
    return c.redirect("/", 303);
  });
  return app;
}

/**
 * The owner's bar of this request, or null: only on a site, only with its owner's cookie. It says
 * whether the site can take a deposit yet and links to the platform's pages of the site.
 */
export async function ownerBar(c: Context<AppEnv>): Promise<OwnerBarView | null> {
  const tenant = c.get("tenant");
  if (tenant.kind !== "site") return null;
  const cookie = getCookie(c, OWNER_COOKIE);
  if (!cookie) return null;
  const ctx = ctxOf(c);
  if (!isOwnerCookie(ctx.config, ctx.clock, tenant.site, cookie)) return null;
  const manage = `${tenantBaseUrl(ctx.config, PLATFORM)}/white-label/sites/${tenant.site.uuid}`;
  return {
    takesDeposits: await takesDeposits(siteTenantCtx(ctx, tenant.site)),
    manageHref: manage,
    methodsHref: `${manage}/payment-methods`,
    exitHref: "/owner-view/exit",
  };
}
