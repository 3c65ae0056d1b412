import { Hono, type Context } from "hono";
import { deleteCookie } from "hono/cookie";
import { isHttps, sessionCookieName, signedIn } from "../auth/middleware.ts";
import { AppError } from "../core/errors.ts";
import { parseInput } from "../core/validate.ts";
import { guarded } from "../http/guard.ts";
import type { AppEnv, AuthedEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { LANGS } from "../i18n/lang.ts";
import { requireCsrf } from "../storefront/csrf.ts";
import { displayDate } from "../storefront/format.ts";
import { pageRequest, render, type Storefront } from "../storefront/respond.ts";
import type { AccountSettingsData, FormState } from "../storefront/view-models.ts";
import { deviceLabel } from "./device.ts";
import { changeEmailSchema } from "../auth/schema.ts";
import { requestEmailChange } from "../auth/email-verification.ts";
import { emailFormErrors, emailSection } from "./email-section.ts";
import { profileOf, updateProfile } from "./profile.ts";
import { profileBody } from "./schema.ts";
import { endOtherSessions, endSession, listSessions } from "./sessions.ts";

// The page helpers take any visitor's context; behind signedIn the user and session are set.
const asPage = (c: Context<AuthedEnv>) => c as unknown as Context<AppEnv>;

/** The account settings page of every tenant: the profile form and the sessions, each end action confirmed on the page. */
export function accountSettingsPages(sf: Storefront) {
  const app = new Hono<AuthedEnv>();

  const settingsPage = async (c: Context<AuthedEnv>, form: Partial<FormState>, status = 200, emailForm: Partial<FormState> = {}) => {
    const req = await pageRequest(asPage(c), sf);
    const { t } = req;
    const lang = req.visit.lang;
    const sessions = await listSessions(ctxOf(c), c.get("session").id);
    const data: AccountSettingsData = {
      values: form.values ?? { ...profileOf(c.get("user")), full_name: c.get("user").full_name ?? "", phone: c.get("user").phone ?? "" },
      errors: form.errors ?? {},
      languages: LANGS.map((l) => ({ code: l, label: t(`lang.${l}`) })),
      sessions: sessions.map((s) => ({
        id: s.id,
        device: deviceLabel(s.device, t("settings.device_on")) ?? t("settings.device_unknown"),
        ip: s.ip ?? "—",
        createdAt: displayDate(s.createdAt, lang),
        lastSeenAt: displayDate(s.lastSeenAt, lang),
        current: s.current,
      })),
      email: await emailSection(ctxOf(c), c.get("user"), emailForm, lang),
    };
    return render(asPage(c), req, { id: "account-settings", status }, data);
  };

  app.get("/account/settings", (c) => settingsPage(c, {}));

  app.post("/account/profile", requireCsrf, async (c) => {
    const posted = await c.req.parseBody();
    const values: Record<string, string> = {};
    for (const field of ["full_name", "phone", "language"]) values[field] = typeof posted[field] === "string" ? posted[field].slice(0, 500) : "";
    try {
      await updateProfile(ctxOf(c), parseInput(profileBody, values));
      return c.redirect("/account/settings?flash=profile_saved", 303);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== "validation_failed") throw err;
      const { t } = await pageRequest(asPage(c), sf);
      const errors: FormState["errors"] = {};
      for (const field of Object.keys((err.details ?? {}) as object)) errors[field] = [t(`settings.error.${field}`)];
      return settingsPage(c, { values, errors }, 422);
    }
  });

  // ---- the address: change it (the new one gets the link), see a pending change ----
  app.post("/account/email", requireCsrf, async (c) => {
    const posted = await c.req.parseBody();
    const text = (field: string) => (typeof posted[field] === "string" ? posted[field].slice(0, 300) : "");
    const values = { new_email: text("new_email") };
    const { t } = await pageRequest(asPage(c), sf);
    try {
      await requestEmailChange(ctxOf(c), parseInput(changeEmailSchema, { email: text("new_email"), current_password: text("email_password") }));
      return c.redirect("/account/settings?flash=email_change_sent", 303);
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== "validation_failed" && err.status !== 429)) throw err;
      const errors = err.status === 429 ? { _: [t("flash.verification_throttled")] } : emailFormErrors((err.details ?? {}) as Record<string, string[]>, t);
      return settingsPage(c, {}, err.status, { values, errors });
    }
  });

  app.post("/account/sessions/others/end", requireCsrf, async (c) => {
    await endOtherSessions(ctxOf(c), c.get("session").id);
    return c.redirect("/account/settings?flash=sessions_ended", 303);
  });

  app.post("/account/sessions/:id/end", requireCsrf, async (c) => {
    const { wasCurrent } = await endSession(ctxOf(c), c.req.param("id"), c.get("session").id);
    if (!wasCurrent) return c.redirect("/account/settings?flash=session_ended", 303);
    deleteCookie(c, sessionCookieName(asPage(c)), { path: "/", secure: isHttps(asPage(c)) });
    return c.redirect("/?flash=logged_out", 303);
  });

  return new Hono<AppEnv>().route("/", guarded(signedIn, app));
}
