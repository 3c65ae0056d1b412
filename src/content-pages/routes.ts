import { Hono } from "hono";
import { ctxOf, type AppEnv } from "../http/env.ts";
import { validBody } from "../http/body.ts";
import { siteTenantCtx } from "../reseller/scope.ts";
import { ownedSite } from "../white-label/sites.ts";
import { contentPage, contentPageBody, PAGE_SLUGS, pageSlugOf, saveContentPage } from "./service.ts";

/** /api/admin/pages — the platform's FAQ, terms and contact pages (requireAdmin is applied at the mount). */
export function adminContentPageRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/", async (c) => c.json({ data: await Promise.all(PAGE_SLUGS.map((slug) => contentPage(ctxOf(c), slug))) }));
  app.get("/:slug", async (c) => c.json({ data: await contentPage(ctxOf(c), pageSlugOf(c.req.param("slug"))) }));
  app.put("/:slug", async (c) => {
    const slug = pageSlugOf(c.req.param("slug"));
    return c.json({ data: await saveContentPage(ctxOf(c), slug, await validBody(c, contentPageBody)) });
  });
  return app;
}

/** /api/white-label/sites/:uuid/pages — a reseller's pages for its own site (requireAuth at the mount; the site must be the caller's). */
export function resellerContentPageRoutes() {
  const app = new Hono<AppEnv>();
  const siteCtx = async (c: Parameters<typeof ctxOf>[0]) => {
    const ctx = ctxOf(c);
    return siteTenantCtx(ctx, await ownedSite(ctx, c.req.param("uuid") ?? ""));
  };
  app.get("/", async (c) => {
    const ctx = await siteCtx(c);
    return c.json({ data: await Promise.all(PAGE_SLUGS.map((slug) => contentPage(ctx, slug))) });
  });
  app.put("/:slug", async (c) => {
    const ctx = await siteCtx(c);
    const slug = pageSlugOf(c.req.param("slug"));
    return c.json({ data: await saveContentPage(ctx, slug, await validBody(c, contentPageBody)) });
  });
  return app;
}
