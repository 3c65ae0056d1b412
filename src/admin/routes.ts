import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { readBody, validQuery } from "../http/body.ts";
import { queryNumber } from "../core/validate.ts";
import { readDayRange } from "../statistics/figures.ts";
import { replacePlatformLogo } from "./branding.ts";
import { dashboard, revenueChart } from "./dashboard.ts";
import { listSettings, platformStats, updateSetting } from "./service.ts";

/** Dashboard and settings (mounted under /api/admin, behind requireAdmin). */
export function adminRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/dashboard", async (c) => {
    const ctx = ctxOf(c);
    const from = c.req.query("from");
    const to = c.req.query("to");
    // A chosen period (both dates, at most 366 days) adds its figures beside today, 7 and 30 days.
    const range = from === undefined && to === undefined ? undefined : readDayRange({ from, to }, ctx.clock.now());
    return c.json({ data: await dashboard(ctx, range) });
  });
  app.get("/dashboard/revenue-chart", async (c) => {
    const { days } = validQuery(
      c,
      z.object({
        days: queryNumber("One of 7, 30 or 90")
          .pipe(z.number().refine((d) => [7, 30, 90].includes(d), "One of 7, 30 or 90"))
          .default(30),
      }),
    );
    return c.json({ data: await revenueChart(ctxOf(c), days) });
  });
  app.get("/settings", async (c) => c.json({ data: await listSettings(ctxOf(c)) }));
  app.get("/settings/platform-stats", async (c) => c.json({ data: await platformStats(ctxOf(c)) }));
  // The platform's logo: multipart, the image in the `logo` field (as a site's); DELETE removes it.
  app.post("/settings/platform-logo", async (c) => {
    const form = await readBody(c);
    return c.json({ data: await replacePlatformLogo(ctxOf(c), { logo: form.logo }) });
  });
  app.delete("/settings/platform-logo", async (c) => c.json({ data: await replacePlatformLogo(ctxOf(c), { remove: true }) }));
  app.put("/settings/:key", async (c) => {
    const body = await readBody(c);
    return c.json({ data: await updateSetting(ctxOf(c), c.req.param("key"), body.value) });
  });
  return app;
}
