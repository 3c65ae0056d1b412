import { Hono } from "hono";
import type { AdminEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { idParam } from "../core/params.ts";
import { pageEnvelope } from "../core/pagination.ts";
import { validQuery } from "../http/body.ts";
import { listReferralFlags, reviewReferralFlag } from "./admin.ts";
import { flagsQuery } from "./schema.ts";
import { referralFlagView } from "./view.ts";

const flagIdOf = (raw: string) => idParam(raw, "Referral flag");

/** /api/admin/referrals — referred accounts flagged for sharing an address with a referrer (requireAdmin at the mount). */
export function adminReferralRoutes() {
  const app = new Hono<AdminEnv>();
  app.get("/flags", async (c) => c.json(pageEnvelope(await listReferralFlags(ctxOf(c), validQuery(c, flagsQuery)), referralFlagView)));
  app.post("/flags/:id/approve", async (c) => c.json({ data: referralFlagView(await reviewReferralFlag(ctxOf(c), flagIdOf(c.req.param("id")), "approve")) }));
  app.post("/flags/:id/reject", async (c) => c.json({ data: referralFlagView(await reviewReferralFlag(ctxOf(c), flagIdOf(c.req.param("id")), "reject")) }));
  return app;
}
