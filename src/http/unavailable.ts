import type { Context } from "hono";
import type { AppEnv } from "./env.ts";
import { unavailablePage } from "./plain-pages.ts";

/** Seconds a client is asked to wait before retrying while the database is unreachable, restarting or read-only. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

const MESSAGE = "The service is temporarily unavailable; please retry shortly";

/**
 * The 503 of a request the database (or the shared Redis: `service_unavailable`) could not serve: nothing was written (its transaction rolled back),
 * so the client may retry the same request after `Retry-After`. JSON routes get the error envelope, the
 * standard provider API its `{"error"}`, pages the plain bilingual page.
 */
export function unavailableResponse(
  c: Context<AppEnv>,
  shape: "json" | "provider" | "page",
  code: "database_unavailable" | "service_unavailable" = "database_unavailable",
): Response | Promise<Response> {
  c.header("Retry-After", String(DATABASE_RETRY_AFTER_SECONDS));
  c.get("services")?.logger.warn(code === "database_unavailable" ? "database unavailable" : "redis unavailable", {
    requestId: c.get("requestId"),
    path: c.req.path,
  });
  if (shape === "provider") return c.json({ error: MESSAGE }, 503);
  if (shape === "page") return c.html(unavailablePage(), 503);
  return c.json({ error: { code, message: MESSAGE, request_id: c.get("requestId") } }, 503);
}
