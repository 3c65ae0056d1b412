import { apiDocsData } from "./api-docs.ts";
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { appSlot, type AppServices } from "../context.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { parseInput } from "../core/validate.ts";
import { guarded } from "../http/guard.ts";
import { signedIn } from "../auth/middleware.ts";
import { EMPTY_ACCOUNT_DATA } from "./account-view.ts";
import { accountPages, type AccountActions } from "./account-pages.ts";
import { authPages } from "./auth-pages.ts";
import { accountPasswordPages, passwordPages } from "./password-pages.ts";
import { emailLinkPages, emailResendPages } from "./email-pages.ts";
import { VersionedCache } from "../tenancy/versioned-cache.ts";
import { catalogueData, homeData, serviceData, warmCatalogue } from "./catalog-view.ts";
import { errorPage, isStorefrontResponse, notFoundResponse, pageRequest, publicPage, render, type Storefront } from "./respond.ts";
import { catalogueQuerySchema } from "./schema.ts";
import { staticRoutes } from "./static.ts";
import { homeScreenRoutes } from "./home-screen.ts";
import { themes } from "./themes.ts";
import type { AccountData } from "./account-sources.ts";
import type { ApiDocsData, CatalogueData, ErrorData, HomeData, ServiceData } from "./view-models.ts";

const MOUNTED = appSlot("storefront", () => ({ storefront: null as Storefront | null }));

/**
 * The 503 page of a suspended or disabled site in its own theme, branding and language, for the
 * tenant middleware to answer with instead of the plain page (falls back to it on any problem).
 */
export async function suspendedSitePage(c: Context<AppEnv>): Promise<Response> {
  const sf = c.get("services").state.get(MOUNTED).storefront;
  if (!sf) throw new Error("the storefront is not mounted");
  const req = await pageRequest(c, sf);
  const data: ErrorData = { status: 503, title: req.t("error.suspended_title"), message: req.t("error.suspended_text") };
  return render(c, req, { id: "unavailable", status: 503, heading: data.title }, data);
}

/** The maintenance page (503) in the tenant's theme, branding and language. */
export async function maintenancePage(c: Context<AppEnv>): Promise<Response> {
  const sf = c.get("services").state.get(MOUNTED).storefront;
  if (!sf) throw new Error("the storefront is not mounted");
  const req = await pageRequest(c, sf);
  const data: ErrorData = { status: 503, title: req.t("error.maintenance_title"), message: req.t("error.maintenance_text") };
  return render(c, req, { id: "unavailable", status: 503, heading: data.title }, data);
}

interface StorefrontOptions {
  services: AppServices;
  loginLimiter: MiddlewareHandler<AppEnv>;
  /** Loaders of the account pages, from the features that own orders, funds, tickets and keys. */
  accountData?: Partial<AccountData>;
  /** What the account pages' forms do (place an order, deposit, open a ticket…), from the same features. */
  actions?: AccountActions;
  /** The site owner's bar of a request (the white-label feature's), none without it. */
  ownerBar?: Storefront["ownerBar"];
  /** Page routes of other features rendered by this engine (the platform's white-label pages…), mounted before the account pages. */
  pages?: ((sf: Storefront) => Hono<AppEnv>)[];
}

/**
 * The storefront of every tenant (a white-label site on its host, the platform on its own),
 * mounted at "/" after the APIs. Pages are rendered from the tenant's theme; public pages are
 * cached for anonymous visitors and invalidated by site and catalogue events.
 */
export function storefrontRoutes(opts: StorefrontOptions) {
  themes(); // Load and validate every theme now: a broken theme stops the start, not a page view.
  const sf: Storefront = {
    services: opts.services,
    cache: new VersionedCache(opts.services.events),
    data: { ...EMPTY_ACCOUNT_DATA, ...opts.accountData },
    ownerBar: opts.ownerBar ?? (async () => null),
  };
  opts.services.state.get(MOUNTED).storefront = sf;
  const app = new Hono<AppEnv>();
  app.onError((err, c) => errorPage(c, sf, err));

  // Unmatched page paths (any feature's plain 404 page) become the theme's 404 in the page language.
  app.use("*", async (c, next) => {
    await next();
    const page = (c.req.method === "GET" || c.req.method === "HEAD") && !/^\/api(\/|$)/.test(c.req.path);
    if (page && c.res.status === 404 && !isStorefrontResponse(c.res) && (c.res.headers.get("content-type") ?? "").includes("text/html")) {
      c.res = notFoundResponse(c, await pageRequest(c, sf));
    }
  });

  app.route("/", staticRoutes(sf));
  app.route("/", homeScreenRoutes(sf));

  app.get("/", (c) =>
    publicPage<HomeData>(c, sf, { id: "home" }, async ({ look, visit }) => ({ data: await homeData(ctxOf(c), sf.cache, look.currency, visit.lang) })),
  );

  app.get("/services", (c) => {
    const query = parseInput(catalogueQuerySchema, c.req.query());
    warmCatalogue(ctxOf(c), query);
    return publicPage<CatalogueData>(c, sf, { id: "catalogue" }, async ({ look, visit, t }) => {
      const data = await catalogueData(ctxOf(c), sf.cache, look.currency, visit.lang, t, query, visit.path, visit.query);
      return { data, title: data.category ? `${data.categories.find((x) => x.active)?.name ?? ""} · ${t("title.catalogue")}` : undefined };
    });
  });

  app.get("/services/:id{[0-9]{1,12}}", (c) =>
    publicPage<ServiceData>(c, sf, { id: "service" }, async ({ look, visit }) => {
      const data = await serviceData(ctxOf(c), sf.cache, Number(c.req.param("id")), look.currency, visit.lang);
      return data && { data, title: data.service.name, heading: data.service.name };
    }),
  );

  // The API documentation with the tenant's own URL, readable without signing in.
  app.get("/docs/api", (c) =>
    publicPage<ApiDocsData>(c, sf, { id: "api-docs" }, async ({ look, t }) => ({ data: apiDocsData(look.baseUrl, c.get("tenant").kind === "platform", t) })),
  );

  app.route("/", authPages(sf, opts.loginLimiter));
  app.route("/", passwordPages(sf, opts.loginLimiter));
  app.route("/", emailLinkPages(sf, opts.loginLimiter));
  for (const pages of opts.pages ?? []) app.route("/", pages(sf));
  app.route("/", guarded(signedIn, accountPages(sf, opts.actions)));
  app.route("/", guarded(signedIn, accountPasswordPages(sf)));
  app.route("/", guarded(signedIn, emailResendPages()));
  return app;
}
