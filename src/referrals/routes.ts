import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { pageEnvelope } from "../core/pagination.ts";
import { validQuery } from "../http/body.ts";
import { commissionsQuery, referralsQuery } from "./schema.ts";
import { listCommissions, listReferrals, referralLink, referralStats } from "./service.ts";
import { commissionView, referralStatsView, referralView } from "./view.ts";

/** /api/referrals — the caller's referral network and commissions (requireAuth is applied at the mount). */
export function referralRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/stats", async (c) => c.json({ data: referralStatsView(await referralStats(ctxOf(c))) }));
  app.get("/list", async (c) => c.json(pageEnvelope(await listReferrals(ctxOf(c), validQuery(c, referralsQuery)), referralView)));
  app.get("/commissions", async (c) => c.json(pageEnvelope(await listCommissions(ctxOf(c), validQuery(c, commissionsQuery)), commissionView)));
  app.get("/link", (c) => c.json({ data: referralLink(ctxOf(c)) }));
  return app;
}
