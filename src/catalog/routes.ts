import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { appSlot, type AppState } from "../context.ts";
import { VersionedCache } from "../tenancy/versioned-cache.ts";
import { idParam } from "../core/params.ts";
import { pageEnvelope } from "../core/pagination.ts";
import { validBody, validQuery } from "../http/body.ts";
import { completeResponse } from "../http/response-headers.ts";
import { UUID_SEGMENT } from "../lib/uuid.ts";
import {
  adminServicesQuery,
  categoryCreate,
  categoryMove,
  categoryUpdate,
  publicServicesQuery,
  serviceBulkUpdate,
  serviceUpdate,
  syncRequest,
} from "./schema.ts";
import { createAdminCategory, deleteAdminCategory, moveAdminCategory } from "./categories.ts";
import { startSyncRun, syncRun } from "./sync-runs.ts";
import { listAdminCategories, listAdminServices, listPublicServices, setServicesActive, syncNow, updateAdminCategory, updateAdminService } from "./service.ts";
import { payerPricesKey } from "./prices.ts";
import { adminCategoryView, adminServiceView, publicCatalogueEnvelope } from "./view.ts";

const CATALOGUE_RESPONSES = appSlot("catalogue responses", ({ events }) => new VersionedCache(events, { ttlMs: 15_000, max: 500 }));
function responseCacheOf(state: AppState): VersionedCache {
  return state.get(CATALOGUE_RESPONSES);
}

/** GET /api/services (mounted under /api): public; a Bearer token shows that user's own prices. */
export function publicCatalogRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/services", async (c) => {
    const query = validQuery(c, publicServicesQuery);
    const ctx = ctxOf(c);
    // Everyone under the same prices sees the same list (anonymous visitors and most users: the platform's):
    // its JSON is kept by the key of those prices, never by user, until the catalogue, a price or the site changes.
    const cache = responseCacheOf(c.get("services").state);
    const key = `${cache.stamp(ctx.tenant)}|${await payerPricesKey(ctx)}|${JSON.stringify(query)}`;
    const body =
      cache.get<Uint8Array<ArrayBuffer>>(key) ??
      cache.set(key, new TextEncoder().encode(JSON.stringify(publicCatalogueEnvelope(await listPublicServices(ctx, query)))));
    return completeResponse(c, body, 200, { "content-type": "application/json; charset=UTF-8", "cache-control": "no-store" });
  });
  return app;
}

/** /api/admin/services: services, categories and the sync (requireAdmin is applied at the mount). */
export function adminCatalogRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/", async (c) => c.json(pageEnvelope(await listAdminServices(ctxOf(c), validQuery(c, adminServicesQuery)), adminServiceView)));

  app.get("/categories", async (c) => c.json({ data: (await listAdminCategories(ctxOf(c))).map(adminCategoryView) }));

  app.post("/categories", async (c) => c.json({ data: adminCategoryView(await createAdminCategory(ctxOf(c), await validBody(c, categoryCreate))) }, 201));

  app.delete("/categories/:id", async (c) => {
    await deleteAdminCategory(ctxOf(c), idParam(c.req.param("id"), "Category"));
    return c.body(null, 204);
  });

  app.post("/categories/:id/move", async (c) => {
    const id = idParam(c.req.param("id"), "Category");
    return c.json({ data: (await moveAdminCategory(ctxOf(c), id, (await validBody(c, categoryMove)).direction)).map(adminCategoryView) });
  });

  app.put("/categories/:id", async (c) => {
    const id = idParam(c.req.param("id"), "Category");
    return c.json({ data: adminCategoryView(await updateAdminCategory(ctxOf(c), id, await validBody(c, categoryUpdate))) });
  });

  app.post("/sync", async (c) => {
    const body = await validBody(c, syncRequest);
    return c.json({ data: await syncNow(ctxOf(c), body.provider_id) });
  });

  // The same sync in the background: the run's id at once, its progress and report from GET.
  app.post("/sync-runs", async (c) => {
    const body = await validBody(c, syncRequest);
    return c.json({ data: await startSyncRun(ctxOf(c), body.provider_id) }, 202);
  });

  app.get(`/sync-runs/:uuid{${UUID_SEGMENT}}`, async (c) => c.json({ data: await syncRun(ctxOf(c), c.req.param("uuid")) }));

  app.post("/bulk", async (c) => c.json({ data: await setServicesActive(ctxOf(c), await validBody(c, serviceBulkUpdate)) }));

  app.put("/:id{[0-9]+}", async (c) => {
    const id = idParam(c.req.param("id"), "Service");
    return c.json({ data: adminServiceView(await updateAdminService(ctxOf(c), id, await validBody(c, serviceUpdate))) });
  });

  return app;
}
