import { Hono } from "hono";
import type { AuthedEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { validBody } from "../http/body.ts";
import { toIso } from "../lib/time.ts";
import { profileOf, updateProfile } from "./profile.ts";
import { profileBody } from "./schema.ts";
import { endOtherSessions, endSession, listSessions, type SessionSummary } from "./sessions.ts";
import { deviceLabel } from "./device.ts";

function sessionView(s: SessionSummary) {
  return {
    id: s.id,
    device: deviceLabel(s.device, "on"),
    browser: s.device.browser,
    os: s.device.os,
    user_agent: s.userAgent,
    ip: s.ip,
    created_at: toIso(s.createdAt),
    last_seen_at: toIso(s.lastSeenAt),
    current: s.current,
  };
}

/** /api/user/sessions and /api/user/profile: the caller's own account (requireAuth is applied at the mount). */
export function accountRoutes() {
  const app = new Hono<AuthedEnv>();

  app.get("/sessions", async (c) => c.json({ data: (await listSessions(ctxOf(c), c.get("session").id)).map(sessionView) }));

  app.delete("/sessions", async (c) => c.json({ data: { ended: await endOtherSessions(ctxOf(c), c.get("session").id) } }));

  app.delete("/sessions/:id", async (c) => {
    const { wasCurrent } = await endSession(ctxOf(c), c.req.param("id"), c.get("session").id);
    return c.json({ data: { ended: 1, current: wasCurrent } });
  });

  app.get("/profile", (c) => c.json({ data: profileOf(c.get("user")) }));

  app.put("/profile", async (c) => c.json({ data: await updateProfile(ctxOf(c), await validBody(c, profileBody)) }));

  return app;
}
