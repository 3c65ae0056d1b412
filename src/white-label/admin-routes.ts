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
import { createPlan, createTemplate, extendSiteRenewal, invoiceForAdmin, listInvoicesForAdmin, updateTemplate } from "./admin-manage.ts";
import {
  adminInvoicesQuery,
  adminSitesQuery,
  adminSubscriptionsQuery,
  extendSchema,
  planCreateSchema,
  planUpdateSchema,
  templateCreateSchema,
  templateUpdateSchema,
} from "./schema.ts";

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

  app.post("/sites/:id/extend", async (c) => {
    const ctx = ctxOf(c);
    const site = await siteForAdmin(ctx, c.req.param("id"));
    await extendSiteRenewal(ctx, site, (await validBody(c, extendSchema)).days);
    return c.json({ data: await siteDetailsForAdmin(ctx, await siteForAdmin(ctx, String(site.id))) });
  });

  app.post("/plans", async (c) => c.json({ data: await createPlan(ctxOf(c), await validBody(c, planCreateSchema)) }, 201));

  app.get("/plans", async (c) => c.json({ data: await listPlansForAdmin(ctxOf(c)) }));

  app.put("/plans/:id", async (c) => {
    const ctx = ctxOf(c);
    const id = idParam(c.req.param("id"), "Plan");
    return c.json({ data: await updatePlan(ctx, id, await validBody(c, planUpdateSchema)) });
  });

  app.get("/templates", async (c) => c.json({ data: await listTemplatesForAdmin(ctxOf(c)) }));

  app.post("/templates", async (c) => c.json({ data: await createTemplate(ctxOf(c), await validBody(c, templateCreateSchema)) }, 201));

  app.put("/templates/:id", async (c) => {
    const id = idParam(c.req.param("id"), "Template");
    return c.json({ data: await updateTemplate(ctxOf(c), id, await validBody(c, templateUpdateSchema)) });
  });

  app.get("/invoices", async (c) => c.json(pageEnvelope(await listInvoicesForAdmin(ctxOf(c), validQuery(c, adminInvoicesQuery)), (i) => i)));

  app.get("/invoices/:id", async (c) => c.json({ data: await invoiceForAdmin(ctxOf(c), c.req.param("id")) }));

  app.get("/subscriptions", async (c) => c.json(pageEnvelope(await listSubscriptionsForAdmin(ctxOf(c), validQuery(c, adminSubscriptionsQuery)), (s) => s)));

  return app;
}
