import { Hono } from "hono";
import { validQuery } from "../http/body.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { csvResponse } from "./response.ts";
import { EXPORT_KINDS, exportFilters } from "./service.ts";

/** `GET /api/admin/exports/{kind}.csv` (behind requireAdmin): the console's exports, for programs. */
export function adminExportRoutes() {
  const app = new Hono<AppEnv>();
  for (const kind of EXPORT_KINDS) app.get(`/${kind}.csv`, (c) => csvResponse(ctxOf(c), kind, validQuery(c, exportFilters)));
  return app;
}
