import { createMiddleware } from "hono/factory";
import { isStaff } from "../auth/roles.ts";
import { Unavailable } from "../core/errors.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { getSetting } from "../settings/service.ts";
import { maintenancePage } from "./routes.ts";

/** What stays open while the platform is closed: signing in (staff must reach the console) and the files pages need. */
const OPEN_DURING_MAINTENANCE =
  /^\/(login(\/two-factor)?|logout|api\/login(\/two-factor)?|api\/logout|assets\/.*|favicon\.ico|manifest\.webmanifest|icons\/.*|robots\.txt)$/;

/**
 * Maintenance: with `maintenance_page` on, the platform (and every site when `maintenance_sites` is on)
 * answers 503 to everyone but the platform's staff — a themed page, the JSON envelope on /api, the
 * provider protocol's `{"error"}` on /api/v2. Staff go on working and the console tells them.
 */
export const maintenanceGate = createMiddleware<AppEnv>(async (c, next) => {
  if (OPEN_DURING_MAINTENANCE.test(c.req.path)) return next();
  const ctx = ctxOf(c);
  if ((await getSetting(ctx, "maintenance_page")) !== "1") return next();
  const tenant = c.get("tenant");
  if (tenant.kind === "site" && (await getSetting(ctx, "maintenance_sites")) !== "1") return next();
  const user = c.get("user");
  if (tenant.kind === "platform" && user && isStaff(user.role)) return next();
  c.header("retry-after", "600");
  if (c.req.path === "/api/v2" || c.req.path === "/api/v2/") return c.json({ error: "This panel is down for maintenance; please try again later" }, 503);
  if (c.req.path.startsWith("/api/")) throw new Unavailable("The platform is down for maintenance; please try again later", "maintenance");
  return maintenancePage(c);
});
