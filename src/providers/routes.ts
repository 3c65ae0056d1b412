import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { idParam } from "../core/params.ts";
import { validBody } from "../http/body.ts";
import { providerCreate, providerUpdate } from "./schema.ts";
import { createAdminProvider, listAdminProviders, updateAdminProvider } from "./service.ts";
import { testProviderConnection } from "./connection.ts";
import { adminProviderView, connectionTestView } from "./view.ts";

/** /api/admin/services/providers (requireAdmin is applied at the mount). Keys are write-only. */
export function adminProviderRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/", async (c) => c.json({ data: (await listAdminProviders(ctxOf(c))).map(adminProviderView) }));
  app.post("/", async (c) => c.json({ data: adminProviderView(await createAdminProvider(ctxOf(c), await validBody(c, providerCreate))) }, 201));
  app.post("/:id/test", async (c) => c.json({ data: connectionTestView(await testProviderConnection(ctxOf(c), idParam(c.req.param("id"), "Provider"))) }));
  app.put("/:id", async (c) => {
    const id = idParam(c.req.param("id"), "Provider");
    return c.json({ data: adminProviderView(await updateAdminProvider(ctxOf(c), id, await validBody(c, providerUpdate))) });
  });
  return app;
}
