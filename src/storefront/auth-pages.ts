import { isStaff } from "../auth/roles.ts";
import { PLATFORM_TENANT_ID } from "../core/tenant-id.ts";
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { z } from "zod";
import type { Ctx } from "../context.ts";
import type { Session, User } from "../db/schema.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { AppError, Validation } from "../core/errors.ts";
import { fieldErrors } from "../core/validate.ts";
import { isHttps, sessionCookieName, twoFactorCookieName } from "../auth/middleware.ts";
import { loginSchema, registerSchema, twoFactorLoginSchema } from "../auth/schema.ts";
import { mustEnrolTwoFactor } from "../auth/two-factor.ts";
import { challengeUserId, completeChallenge } from "../auth/two-factor-challenge.ts";
import { loginUser, registerUser } from "../auth/service.ts";
import { createSession, invalidateSession } from "../auth/session.ts";
import { fromDbTime } from "../lib/time.ts";
import { getSetting } from "../settings/service.ts";
import { csrfToken, requireCsrf } from "./csrf.ts";
import { pageRequest, render, type Storefront } from "./respond.ts";
import { loginFormSchema, registerFormSchema, twoFactorFormSchema } from "./schema.ts";
import type { LoginData, PageView, RegisterData } from "./view-models.ts";
import { siteIsFull } from "../tenancy/plan-limits.ts";

/** A local path to return to after signing in; anything else (other hosts, "//x", "\x") is dropped. */
function safeNext(next: string | undefined, fallback = "/account"): string {
  return next && next.length <= 300 && /^\/(?![/\\])[^\s\\]*$/.test(next) && !next.startsWith("/logout") ? next : fallback;
}

/** Field errors (English messages from the auth module) → translated messages of the page. */
function translateErrors(errors: Record<string, string[]>, t: PageView["t"], form: "login" | "register"): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(errors)) {
    const text = messages.join(" ").toLowerCase();
    let key = "form.error.invalid";
    if (field === "username") key = text.includes("taken") || text.includes("already") ? "form.error.username_taken" : "form.error.username_format";
    else if (field === "email") key = text.includes("already") ? "form.error.email_taken" : "form.error.email_invalid";
    else if (field === "password")
      key = form === "login" ? "form.error.password_required" : text.includes("common") ? "form.error.password_common" : "form.error.password_length";
    else if (field === "password_confirmation") key = "form.error.password_mismatch";
    else if (field === "referral_code") key = "form.error.referral_unknown";
    else if (field === "login") key = "form.error.login_required";
    out[field] = [...(out[field] ?? []), t(key)];
  }
  return out;
}

function setSessionCookie(c: Context<AppEnv>, token: string, session: Session): void {
  // Host-only: no Domain attribute, so one site's session never reaches another host.
  setCookie(c, sessionCookieName(c), token, { path: "/", httpOnly: true, sameSite: "Lax", secure: isHttps(c), expires: fromDbTime(session.expires_at) });
}

/** Where a signed-in visitor goes: back where they were going, unless an admin must enrol in two-factor first. */
async function afterSignIn(ctx: Ctx, user: User, next: string | undefined): Promise<string> {
  if (await mustEnrolTwoFactor(ctx, user)) return "/account/settings?flash=two_factor_required#two-factor";
  // Platform staff land on the admin console unless they were going somewhere.
  return safeNext(next, user.site_id === PLATFORM_TENANT_ID && isStaff(user.role) ? "/admin" : "/account");
}

/** Sign-ups are closed by the setting, or on a site that holds as many customers as its plan allows (src/tenancy/plan-limits.ts). */
async function registrationClosed(ctx: Ctx): Promise<boolean> {
  return (await getSetting(ctx, "registration_open")) !== "1" || (await siteIsFull(ctx));
}

/** The posted form; a field out of shape (too long) is a field error for the page to show, never a 500. */
async function formOf<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<{ form: z.infer<S>; errors: Record<string, string[]> | null }> {
  const body = await c.req.parseBody();
  const plain: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") plain[k] = v;
  const parsed = schema.safeParse(plain);
  return parsed.success ? { form: parsed.data, errors: null } : { form: schema.parse({}), errors: fieldErrors(parsed.error) };
}

export function authPages(sf: Storefront, loginLimiter: MiddlewareHandler<AppEnv>) {
  const app = new Hono<AppEnv>();

  const loginPage = async (c: Context<AppEnv>, state: Partial<LoginData>, status = 200) => {
    const req = await pageRequest(c, sf, { csrf: csrfToken(c) });
    const data: LoginData = { values: state.values ?? {}, errors: state.errors ?? {}, next: safeNext(state.next ?? c.req.query("next"), "") };
    return render(c, req, { id: "login", status }, data);
  };

  const registerPage = async (c: Context<AppEnv>, state: Partial<RegisterData>, status = 200) => {
    const req = await pageRequest(c, sf, { csrf: csrfToken(c) });
    const full = await siteIsFull(ctxOf(c));
    const closed = full || (await registrationClosed(ctxOf(c)));
    const values = state.values ?? { referral_code: (c.req.query("ref") ?? "").slice(0, 20) };
    const data: RegisterData = { values, errors: state.errors ?? {}, next: safeNext(state.next ?? c.req.query("next"), ""), closed, full };
    return render(c, req, { id: "register", status }, data);
  };

  app.get("/login", (c) => (c.get("user") ? c.redirect(safeNext(c.req.query("next")), 303) : loginPage(c, {})));
  app.get("/register", (c) => (c.get("user") ? c.redirect("/account", 303) : registerPage(c, {})));

  app.post("/login", loginLimiter, requireCsrf, async (c) => {
    const { form, errors } = await formOf(c, loginFormSchema);
    const { t } = await pageRequest(c, sf);
    if (errors) return loginPage(c, { values: {}, errors: translateErrors(errors, t, "login") }, 422);
    const values = { login: form.login };
    const parsed = loginSchema.safeParse({ login: form.login, password: form.password });
    if (!parsed.success) return loginPage(c, { values, errors: translateErrors(fieldErrors(parsed.error), t, "login"), next: form.next }, 422);
    try {
      const ctx = ctxOf(c);
      const result = await loginUser(ctx, parsed.data, { ip: c.get("clientIp"), userAgent: c.req.header("user-agent") });
      if (result.kind === "two_factor") {
        // The challenge waits in a host-only cookie as long as it lives; the next step asks for the code.
        setCookie(c, twoFactorCookieName(c), result.challenge.challenge, {
          path: "/",
          httpOnly: true,
          sameSite: "Lax",
          secure: isHttps(c),
          expires: fromDbTime(result.challenge.expiresAt),
        });
        const next = safeNext(form.next, "");
        return c.redirect(`/login/two-factor${next ? `?next=${encodeURIComponent(next)}` : ""}`, 303);
      }
      setSessionCookie(c, result.token, result.session);
      return c.redirect(await afterSignIn(ctx, result.user, form.next), 303);
    } catch (err) {
      if (!(err instanceof AppError) || (err.status !== 401 && err.status !== 403)) throw err;
      const key = err.code === "account_banned" ? "form.error.account_banned" : "form.error.invalid_credentials";
      return loginPage(c, { values, errors: { _: [t(key)] }, next: form.next }, 422);
    }
  });

  const twoFactorPage = async (c: Context<AppEnv>, state: Partial<LoginData>, status = 200) => {
    const req = await pageRequest(c, sf, { csrf: csrfToken(c) });
    const data: LoginData = { values: state.values ?? {}, errors: state.errors ?? {}, next: safeNext(state.next ?? c.req.query("next"), "") };
    return render(c, req, { id: "login-two-factor", status }, data);
  };

  const expired = (c: Context<AppEnv>) => {
    deleteCookie(c, twoFactorCookieName(c), { path: "/", secure: isHttps(c) });
    return c.redirect("/login?flash=two_factor_expired", 303);
  };

  // The second step of a sign-in whose account has two-factor on: the code (or a recovery code) for the pending challenge.
  app.get("/login/two-factor", async (c) => {
    if (c.get("user")) return c.redirect(safeNext(c.req.query("next")), 303);
    const challenge = getCookie(c, twoFactorCookieName(c));
    if (!challenge || (await challengeUserId(ctxOf(c), challenge.slice(0, 100))) === null) return expired(c);
    return twoFactorPage(c, {});
  });

  app.post("/login/two-factor", loginLimiter, requireCsrf, async (c) => {
    const { form, errors } = await formOf(c, twoFactorFormSchema);
    const { t } = await pageRequest(c, sf);
    if (errors) return twoFactorPage(c, { errors: { code: [t("two_factor.error.code")] } }, 422);
    const challenge = getCookie(c, twoFactorCookieName(c));
    if (!challenge) return expired(c);
    const values = { code: form.code };
    const parsed = twoFactorLoginSchema.safeParse({ challenge, code: form.code });
    if (!parsed.success) {
      if (fieldErrors(parsed.error).challenge) return expired(c);
      return twoFactorPage(c, { values, errors: { code: [t("two_factor.error.code")] }, next: form.next }, 422);
    }
    try {
      const ctx = ctxOf(c);
      const { token, session, user } = await completeChallenge(ctx, parsed.data, { ip: c.get("clientIp"), userAgent: c.req.header("user-agent") });
      deleteCookie(c, twoFactorCookieName(c), { path: "/", secure: isHttps(c) });
      setSessionCookie(c, token, session);
      return c.redirect(await afterSignIn(ctx, user, form.next), 303);
    } catch (err) {
      if (!(err instanceof Validation)) throw err;
      const details = err.details as Record<string, string[]>;
      if (details.challenge) return expired(c);
      const used = (details.code ?? []).join(" ").includes("already used");
      return twoFactorPage(c, { values, errors: { code: [t(used ? "two_factor.error.code_used" : "two_factor.error.code")] }, next: form.next }, 422);
    }
  });

  app.post("/register", loginLimiter, requireCsrf, async (c) => {
    const { form, errors } = await formOf(c, registerFormSchema);
    const { t, visit } = await pageRequest(c, sf);
    if (errors) return registerPage(c, { values: {}, errors: translateErrors(errors, t, "register") }, 422);
    const ctx = ctxOf(c);
    const values = { username: form.username, email: form.email, referral_code: form.referral_code };
    if (await siteIsFull(ctx)) return registerPage(c, { values, errors: { _: [t("plan_limit.site_full")] }, next: form.next }, 403);
    if (await registrationClosed(ctx)) return registerPage(c, { values, errors: { _: [t("form.error.registration_closed")] }, next: form.next }, 403);
    const parsed = registerSchema.safeParse({ ...values, password: form.password, password_confirmation: form.password_confirmation, language: visit.lang });
    if (!parsed.success) return registerPage(c, { values, errors: translateErrors(fieldErrors(parsed.error), t, "register"), next: form.next }, 422);
    try {
      const user = await registerUser(ctx, parsed.data, { ip: c.get("clientIp") });
      const { token, session } = await createSession(ctx, user.id, { ip: c.get("clientIp"), userAgent: c.req.header("user-agent") });
      setSessionCookie(c, token, session);
      const next = safeNext(form.next, "");
      return c.redirect(next || "/account?flash=registered", 303);
    } catch (err) {
      if (!(err instanceof Validation)) throw err;
      return registerPage(c, { values, errors: translateErrors(err.details as Record<string, string[]>, t, "register"), next: form.next }, 422);
    }
  });

  app.post("/logout", requireCsrf, async (c) => {
    const session = c.get("session");
    if (session) await invalidateSession(ctxOf(c), session.id);
    deleteCookie(c, sessionCookieName(c), { path: "/", secure: isHttps(c) });
    return c.redirect("/?flash=logged_out", 303);
  });

  return app;
}
