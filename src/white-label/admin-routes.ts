import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { idParam } from "../core/params.ts";
import { pageEnvelope } from "../core/pagination.ts";
import { validBody, validQuery } from "../http/body.ts";
import {
  listPlansForAdmin,
  listSitesForAdmin,
  listSubscriptionsForAdmin,
  listTemplatesForAdmin,
  siteDetailsForAdmin,
  siteForAdmin,
  toggleSiteStatus,
  updatePlan,
} from "./admin.ts";
import { adminSitesQuery, adminSubscriptionsQuery, planUpdateSchema } from "./schema.ts";

/** Admin view of the white-label estate; requireAdmin is applied to /api/admin/* where it is mounted. */
export function whiteLabelAdminRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/sites", async (c) => c.json(pageEnvelope(await listSitesForAdmin(ctxOf(c), validQuery(c, adminSitesQuery)), (s) => s)));

  app.get("/sites/:id", async (c) => {
    const ctx = ctxOf(c);
    return c.json({ data: await siteDetailsForAdmin(ctx, await siteForAdmin(ctx, c.req.param("id"))) });
  });

  app.post("/sites/:id/toggle-status", async (c) => {
    const ctx = ctxOf(c);
    const site = await toggleSiteStatus(ctx, await siteForAdmin(ctx, c.req.param("id")));
    return c.json({ data: await siteDetailsForAdmin(ctx, site) });
  });

  app.get("/plans", async (c) => c.json({ data: await listPlansForAdmin(ctxOf(c)) }));

  app.put("/plans/:id", async (c) => {
    const ctx = ctxOf(c);
    const id = idParam(c.req.param("id"), "Plan");
    return c.json({ data: await updatePlan(ctx, id, await validBody(c, planUpdateSchema)) });
  });

  app.get("/templates", async (c) => c.json({ data: await listTemplatesForAdmin(ctxOf(c)) }));

  app.get("/subscriptions", async (c) => c.json(pageEnvelope(await listSubscriptionsForAdmin(ctxOf(c), validQuery(c, adminSubscriptionsQuery)), (s) => s)));

  return app;
}
