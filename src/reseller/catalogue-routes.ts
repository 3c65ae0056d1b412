import { Hono, type Context } from "hono";
import { ctxOf, type AppEnv } from "../http/env.ts";
import { validBody, validQuery } from "../http/body.ts";
import { NotFound } from "../core/errors.ts";
import { idParam } from "../core/params.ts";
import { resellerScope } from "./scope.ts";
import { categoryBody, moveBody, platformBody, serviceTextsBody, servicesQuery } from "../site-catalogue/schema.ts";
import {
  clearServiceTexts,
  moveSiteCategory,
  searchSiteServices,
  setPlatformHidden,
  setServiceTexts,
  siteCatalogue,
  siteCategory,
  siteService,
  updateSiteCategory,
} from "../site-catalogue/service.ts";

/** A platform as the path names it: lower-case letters, digits and dashes (categories.platform). */
function platformParam(raw: string | undefined): string {
  if (!raw || !/^[a-z0-9-]{1,40}$/.test(raw)) throw new NotFound("Platform not found");
  return raw;
}

/**
 * /api/white-label/sites/:uuid/catalogue — the site's catalogue in its own words, for its owner
 * (requireAuth at the mount; anyone else's site is a 404): categories (texts, featured, order),
 * platforms (hidden or shown), services (texts).
 */
export function siteCatalogueRoutes() {
  const app = new Hono<AppEnv>();
  const site = async (c: Context<AppEnv>) => (await resellerScope(ctxOf(c), c.req.param("uuid") ?? "")).ctx;

  app.get("/", async (c) => c.json({ data: await siteCatalogue(await site(c)) }));

  app.get("/categories/:id", async (c) => c.json({ data: await siteCategory(await site(c), idParam(c.req.param("id"), "Category")) }));
  app.put("/categories/:id", async (c) => {
    const ctx = await site(c);
    const id = idParam(c.req.param("id"), "Category");
    return c.json({ data: await updateSiteCategory(ctx, id, await validBody(c, categoryBody)) });
  });
  app.post("/categories/:id/move", async (c) => {
    const ctx = await site(c);
    const id = idParam(c.req.param("id"), "Category");
    const { direction } = await validBody(c, moveBody);
    return c.json({ data: await moveSiteCategory(ctx, id, direction) });
  });

  app.put("/platforms/:platform", async (c) => {
    const ctx = await site(c);
    const platform = platformParam(c.req.param("platform"));
    const { hidden } = await validBody(c, platformBody);
    return c.json({ data: await setPlatformHidden(ctx, platform, hidden) });
  });

  app.get("/services", async (c) => {
    const ctx = await site(c);
    const q = validQuery(c, servicesQuery);
    const found = await searchSiteServices(ctx, { search: q.search, page: q.page ? Number(q.page) : 1, perPage: 50 });
    return c.json({ data: found.rows, meta: { page: found.page, per_page: found.per_page, total: found.total } });
  });
  app.get("/services/:id", async (c) => c.json({ data: await siteService(await site(c), idParam(c.req.param("id"), "Service")) }));
  app.put("/services/:id", async (c) => {
    const ctx = await site(c);
    const id = idParam(c.req.param("id"), "Service");
    return c.json({ data: await setServiceTexts(ctx, id, await validBody(c, serviceTextsBody)) });
  });
  app.delete("/services/:id", async (c) => c.json({ data: await clearServiceTexts(await site(c), idParam(c.req.param("id"), "Service")) }));

  return app;
}
