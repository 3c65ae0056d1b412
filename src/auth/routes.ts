import { Hono } from "hono";
import type { AppEnv, AuthedEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { validBody } from "../http/body.ts";
import { Forbidden } from "../core/errors.ts";
import type { Ctx } from "../context.ts";
import type { Session, User } from "../db/schema.ts";
import { changePasswordSchema, forgotPasswordSchema, loginSchema, registerSchema, resetPasswordSchema, twoFactorLoginSchema } from "./schema.ts";
import { mustEnrolTwoFactor } from "./two-factor.ts";
import { completeChallenge } from "./two-factor-challenge.ts";
import { changePassword, requestPasswordReset, resetPassword } from "./password-reset.ts";
import { loginUser, registerUser } from "./service.ts";
import { invalidateSession, createSession } from "./session.ts";
import { accountView } from "./view.ts";
import { getSetting } from "../settings/service.ts";
import { toIso } from "../lib/time.ts";

/** The answer of a completed sign-in; an admin who must enrol in two-factor is told so (the admin API refuses them until then). */
async function signedInView(ctx: Ctx, r: { token: string; session: Session; user: User }) {
  const currency = await getSetting(ctx, "currency");
  const enrol = await mustEnrolTwoFactor(ctx, r.user);
  return {
    user: accountView(r.user, currency),
    token: r.token,
    token_type: "Bearer",
    expires_at: toIso(r.session.expires_at),
    ...(enrol ? { two_factor_enrolment_required: true } : {}),
  };
}

export function authRoutes(opts: { loginLimiter: ReturnType<typeof import("../http/rate-limit.ts").limiter> }) {
  const app = new Hono<AppEnv>();

  app.post("/register", opts.loginLimiter, async (c) => {
    const ctx = ctxOf(c);
    const input = await validBody(c, registerSchema);
    if ((await getSetting(ctx, "registration_open")) !== "1") throw new Forbidden("Registration is closed", "registration_closed");
    const user = await registerUser(ctx, input, { ip: c.get("clientIp") });
    const { token, session } = await createSession(ctx, user.id, { ip: c.get("clientIp"), userAgent: c.req.header("user-agent") });
    const currency = await getSetting(ctx, "currency");
    return c.json({ data: { user: accountView(user, currency), token, token_type: "Bearer", expires_at: toIso(session.expires_at) } }, 201);
  });

  app.post("/login", opts.loginLimiter, async (c) => {
    const ctx = ctxOf(c);
    const input = await validBody(c, loginSchema);
    const result = await loginUser(ctx, input, { ip: c.get("clientIp"), userAgent: c.req.header("user-agent") });
    // A correct password of an account with two-factor on: no session yet, the code comes next.
    if (result.kind === "two_factor") {
      return c.json({ data: { two_factor_required: true, challenge: result.challenge.challenge, expires_at: toIso(result.challenge.expiresAt) } });
    }
    return c.json({ data: await signedInView(ctx, result) });
  });

  app.post("/login/two-factor", opts.loginLimiter, async (c) => {
    const ctx = ctxOf(c);
    const input = await validBody(c, twoFactorLoginSchema);
    return c.json({ data: await signedInView(ctx, await completeChallenge(ctx, input, { ip: c.get("clientIp"), userAgent: c.req.header("user-agent") })) });
  });

  // The same answer whether or not the address has an account.
  app.post("/password/forgot", opts.loginLimiter, async (c) => {
    await requestPasswordReset(ctxOf(c), await validBody(c, forgotPasswordSchema));
    return c.json({ data: { message: "If an account uses this address, a reset link is on its way" } }, 202);
  });

  app.post("/password/reset", opts.loginLimiter, async (c) => {
    await resetPassword(ctxOf(c), await validBody(c, resetPasswordSchema));
    return c.json({ data: { message: "Password changed; sign in with the new one" } });
  });

  return app;
}

/** /api/logout and /api/me: the caller's own session (requireAuth is applied at the mount). */
export function sessionRoutes() {
  const app = new Hono<AuthedEnv>();

  app.post("/logout", async (c) => {
    await invalidateSession(ctxOf(c), c.get("session").id);
    return c.json({ data: { message: "Logged out" } });
  });

  // The session that asks keeps going; the user's other sessions end.
  app.put("/user/password", async (c) => {
    const input = await validBody(c, changePasswordSchema);
    await changePassword(ctxOf(c), c.get("user"), c.get("session").id, input);
    return c.json({ data: { message: "Password changed" } });
  });

  app.get("/me", async (c) => {
    const currency = await getSetting(ctxOf(c), "currency");
    return c.json({ data: accountView(c.get("user"), currency) });
  });

  return app;
}
