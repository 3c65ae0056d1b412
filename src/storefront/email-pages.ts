import { Hono, type Context, type MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { AppError } from "../core/errors.ts";
import { resendVerificationLink, useEmailLink } from "../auth/email-verification.ts";
import { csrfToken, requireCsrf } from "./csrf.ts";
import { pageRequest, render, type Storefront } from "./respond.ts";
import type { EmailVerifyData } from "./view-models.ts";

/** A page of this site to come back to after the resend button ("/orders/new"…); anything else is the settings page. */
function backTo(raw: unknown): string {
  return typeof raw === "string" && /^\/[a-z0-9/_-]{0,100}$/.test(raw) && !raw.startsWith("//") ? raw : "/account/settings";
}

/**
 * /email/verify: the link of a verification or address-change e-mail opens a page whose button uses
 * it (a mail scanner that fetches the link uses nothing). The same page on every tenant.
 */
export function emailLinkPages(sf: Storefront, limiter: MiddlewareHandler<AppEnv>) {
  const app = new Hono<AppEnv>();

  const verifyPage = async (c: Context<AppEnv>, state: Partial<EmailVerifyData>, status = 200) => {
    const req = await pageRequest(c, sf, { csrf: csrfToken(c) });
    const token = state.token ?? (c.req.query("token") ?? "").slice(0, 100);
    const data: EmailVerifyData = { values: {}, errors: state.errors ?? {}, token };
    return render(c, req, { id: "email-verify", status }, data);
  };

  app.get("/email/verify", (c) => verifyPage(c, {}));

  app.post("/email/verify", limiter, requireCsrf, async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === "string" ? form.token.trim().slice(0, 100) : "";
    const { t } = await pageRequest(c, sf);
    try {
      if (!token) throw new AppError(422, "validation_failed", "The token is required");
      const { purpose } = await useEmailLink(ctxOf(c), token);
      const flash = purpose === "change" ? "email_changed" : "email_verified";
      return c.redirect(c.get("user") ? `/account/settings?flash=${flash}` : `/login?flash=${flash}`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || (err.status !== 422 && err.status !== 409)) throw err;
      const key = err.code === "email_taken" ? "email.error.taken_meanwhile" : "email.error.link_invalid";
      return verifyPage(c, { token, errors: { token: [t(key)] } }, err.status);
    }
  });

  return app;
}

/** POST /account/email/verification: the resend button of the account pages (signedIn is applied where it is mounted). */
export function emailResendPages() {
  const app = new Hono<AppEnv>();
  app.post("/account/email/verification", requireCsrf, async (c) => {
    const form = await c.req.parseBody();
    const back = backTo(form.back);
    let flash = "verification_sent";
    try {
      await resendVerificationLink(ctxOf(c));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === "email_already_verified") flash = "email_already_verified";
      else if (err.status === 429) flash = "verification_throttled";
      else throw err;
    }
    return c.redirect(`${back}?flash=${flash}`, 303);
  });
  return app;
}
