import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { pageEnvelope } from "../core/pagination.ts";
import { validBody, validQuery } from "../http/body.ts";
import { createKeyBody, keysQuery, logsQuery } from "./schema.ts";
import { createKey, listKeyLogs, listKeys, ownKey, revokeKey } from "./service.ts";
import { apiKeyView, apiLogView, createdKeyView } from "./view.ts";

/** /api/user/api-keys — the caller's API keys (requireAuth is applied at the mount). */
export function apiKeyRoutes() {
  const app = new Hono<AppEnv>();
  const now = (c: { var: AppEnv["Variables"] }) => c.var.services.clock.now();

  app.post("/", async (c) => {
    const ctx = ctxOf(c);
    const made = await createKey(ctx, await validBody(c, createKeyBody));
    return c.json({ data: createdKeyView(made.key, made.raw, now(c)) }, 201);
  });

  app.get("/", async (c) => {
    const page = await listKeys(ctxOf(c), validQuery(c, keysQuery));
    return c.json(pageEnvelope(page, (k) => apiKeyView(k, now(c))));
  });

  app.get("/:id", async (c) => c.json({ data: apiKeyView(await ownKey(ctxOf(c), c.req.param("id")), now(c)) }));

  app.delete("/:id", async (c) => c.json({ data: apiKeyView(await revokeKey(ctxOf(c), c.req.param("id")), now(c)) }));

  app.get("/:id/logs", async (c) => c.json(pageEnvelope(await listKeyLogs(ctxOf(c), c.req.param("id"), validQuery(c, logsQuery)), apiLogView)));

  return app;
}
