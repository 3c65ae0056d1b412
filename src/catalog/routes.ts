import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { NotFound } from "../http/errors.ts";
import { pageEnvelope } from "../http/pagination.ts";
import { validBody, validQuery } from "../http/validate.ts";
import { adminServicesQuery, categoryUpdate, publicServicesQuery, serviceUpdate, syncRequest } from "./schema.ts";
import { listAdminCategories, listAdminServices, listPublicServices, syncNow, updateAdminCategory, updateAdminService } from "./service.ts";
import { adminCategoryView, adminServiceView, publicCatalogueEnvelope } from "./view.ts";

const numericId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

function idOf(raw: string, what: string): number {
  const r = numericId.safeParse(raw);
  if (!r.success) throw new NotFound(`${what} not found`);
  return r.data;
}

/** GET /api/services (mounted under /api): public; a Bearer token shows that user's own prices. */
export function publicCatalogRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/services", async (c) => c.json(publicCatalogueEnvelope(await listPublicServices(ctxOf(c), validQuery(c, publicServicesQuery)))));
  return app;
}

/** /api/admin/services: services, categories and the sync (requireAdmin is applied at the mount). */
export function adminCatalogRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/", async (c) => c.json(pageEnvelope(await listAdminServices(ctxOf(c), validQuery(c, adminServicesQuery)), adminServiceView)));

  app.get("/categories", async (c) => c.json({ data: (await listAdminCategories(ctxOf(c))).map(adminCategoryView) }));

  app.put("/categories/:id", async (c) => {
    const id = idOf(c.req.param("id"), "Category");
    return c.json({ data: adminCategoryView(await updateAdminCategory(ctxOf(c), id, await validBody(c, categoryUpdate))) });
  });

  app.post("/sync", async (c) => {
    const body = await validBody(c, syncRequest);
    return c.json({ data: await syncNow(ctxOf(c), body.provider_id) });
  });

  app.put("/:id{[0-9]+}", async (c) => {
    const id = idOf(c.req.param("id"), "Service");
    return c.json({ data: adminServiceView(await updateAdminService(ctxOf(c), id, await validBody(c, serviceUpdate))) });
  });

  return app;
}
