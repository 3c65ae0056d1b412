import { Hono } from "hono";
import type { AuthedEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { validBody } from "../http/body.ts";
import { toIso } from "../lib/time.ts";
import { profileOf, updateProfile } from "./profile.ts";
import { profileBody } from "./schema.ts";
import { endOtherSessions, endSession, listSessions, type SessionSummary } from "./sessions.ts";
import { deviceLabel } from "./device.ts";
import { twoFactorConfirmSchema, twoFactorDisableSchema, twoFactorRegenerateSchema } from "../auth/schema.ts";
import { confirmEnrolment, disableTwoFactor, regenerateRecoveryCodes, startEnrolment, twoFactorStatus, type TwoFactorStatus } from "../auth/two-factor.ts";

function twoFactorView(s: TwoFactorStatus) {
  return {
    enabled: s.enabled,
    pending: s.pending,
    enabled_at: toIso(s.enabledAt),
    recovery_codes_left: s.recoveryCodesLeft,
    required: s.required,
  };
}

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

/** /api/user/sessions, /api/user/profile and /api/user/two-factor: the caller's own account (requireAuth is applied at the mount). */
export function accountRoutes() {
  const app = new Hono<AuthedEnv>();

  app.get("/sessions", async (c) => c.json({ data: (await listSessions(ctxOf(c), c.get("session").id)).map(sessionView) }));

  app.delete("/sessions", async (c) => c.json({ data: { ended: await endOtherSessions(ctxOf(c), c.get("session").id) } }));

  app.delete("/sessions/:id", async (c) => {
    const { wasCurrent } = await endSession(ctxOf(c), c.req.param("id"), c.get("session").id);
    return c.json({ data: { ended: 1, current: wasCurrent } });
  });

  app.get("/profile", (c) => c.json({ data: profileOf(c.get("user")) }));

  // Two-factor sign-in: the secret is shown once at the start, the recovery codes once when made.
  app.get("/two-factor", async (c) => c.json({ data: twoFactorView(await twoFactorStatus(ctxOf(c))) }));

  app.post("/two-factor/start", async (c) => {
    const e = await startEnrolment(ctxOf(c));
    return c.json({ data: { secret: e.secret, otpauth_uri: e.uri, issuer: e.issuer, account: e.account } }, 201);
  });

  app.post("/two-factor/confirm", async (c) => {
    const { code } = await validBody(c, twoFactorConfirmSchema);
    return c.json({ data: { enabled: true, recovery_codes: await confirmEnrolment(ctxOf(c), code, c.get("session").id) } });
  });

  app.post("/two-factor/recovery-codes", async (c) => {
    const proof = await validBody(c, twoFactorRegenerateSchema);
    return c.json({ data: { recovery_codes: await regenerateRecoveryCodes(ctxOf(c), proof) } });
  });

  app.post("/two-factor/disable", async (c) => {
    await disableTwoFactor(ctxOf(c), await validBody(c, twoFactorDisableSchema), c.get("session").id);
    return c.json({ data: { enabled: false } });
  });

  app.put("/profile", async (c) => c.json({ data: await updateProfile(ctxOf(c), await validBody(c, profileBody)) }));

  return app;
}
