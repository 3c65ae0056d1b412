import { Hono, type MiddlewareHandler } from "hono";
import type { AppEnv, AuthedEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { validBody } from "../http/body.ts";
import { toIso } from "../lib/time.ts";
import { changeEmailSchema, emailTokenSchema } from "./schema.ts";
import { pendingEmailChange, requestEmailChange, resendVerificationLink, useEmailLink } from "./email-verification.ts";

/** POST /api/email/verify: the link's token proves the address (public: the token is the credential). */
export function emailLinkRoutes(opts: { limiter: MiddlewareHandler<AppEnv> }) {
  const app = new Hono<AppEnv>();
  app.post("/email/verify", opts.limiter, async (c) => {
    const { token } = await validBody(c, emailTokenSchema);
    const { user, purpose } = await useEmailLink(ctxOf(c), token);
    return c.json({ data: { email: user.email, email_verified_at: toIso(user.email_verified_at), changed: purpose === "change" } });
  });
  return app;
}

/** /api/user/email: the caller's address, its verification and a change of it (requireAuth is applied at the mount). */
export function userEmailRoutes() {
  const app = new Hono<AuthedEnv>();

  app.get("/", async (c) => {
    const user = c.get("user");
    const pending = await pendingEmailChange(ctxOf(c), user.id);
    return c.json({
      data: {
        email: user.email,
        verified: Boolean(user.email_verified_at),
        email_verified_at: toIso(user.email_verified_at),
        pending_change: pending && { email: pending.email, expires_at: toIso(pending.expiresAt) },
      },
    });
  });

  app.post("/verification", async (c) => {
    await resendVerificationLink(ctxOf(c));
    return c.json({ data: { message: "A new verification link is on its way" } }, 202);
  });

  app.put("/", async (c) => {
    const pending = await requestEmailChange(ctxOf(c), await validBody(c, changeEmailSchema));
    return c.json(
      {
        data: {
          message: "Open the link sent to the new address to confirm it",
          pending_change: { email: pending.email, expires_at: toIso(pending.expiresAt) },
        },
      },
      202,
    );
  });

  return app;
}
