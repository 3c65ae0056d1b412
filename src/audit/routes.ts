import { Hono } from "hono";
import { pageEnvelope } from "../core/pagination.ts";
import { validQuery } from "../http/body.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { auditLogQuery, listAuditLogs } from "./log.ts";

/** `GET /api/admin/audit-logs` (behind requireAdmin): the console's audit log, for programs. */
export function adminAuditRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/", async (c) => c.json(pageEnvelope(await listAuditLogs(ctxOf(c), validQuery(c, auditLogQuery)), (e) => e)));
  return app;
}
