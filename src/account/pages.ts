import { Hono, type Context } from "hono";
import { deleteCookie } from "hono/cookie";
import { isHttps, sessionCookieName, signedIn } from "../auth/middleware.ts";
import { AppError } from "../core/errors.ts";
import { parseInput } from "../core/validate.ts";
import { guarded } from "../http/guard.ts";
import type { AppEnv, AuthedEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { LANGS, type Lang } from "../i18n/lang.ts";
import { requireCsrf } from "../storefront/csrf.ts";
import { displayDate } from "../storefront/format.ts";
import { pageRequest, render, type Storefront } from "../storefront/respond.ts";
import type { AccountSettingsData, FormState, TwoFactorSectionView } from "../storefront/view-models.ts";
import type { Ctx } from "../context.ts";
import { twoFactorConfirmSchema, twoFactorDisableSchema, twoFactorRegenerateSchema } from "../auth/schema.ts";
import { confirmEnrolment, disableTwoFactor, pendingEnrolment, regenerateRecoveryCodes, startEnrolment, twoFactorStatus } from "../auth/two-factor.ts";
import { deviceLabel } from "./device.ts";
import { changeEmailSchema } from "../auth/schema.ts";
import { requestEmailChange } from "../auth/email-verification.ts";
import { emailFormErrors, emailSection } from "./email-section.ts";
import { profileOf, updateProfile } from "./profile.ts";
import { profileBody } from "./schema.ts";
import { endOtherSessions, endSession, listSessions } from "./sessions.ts";

/** What a two-factor form leaves for the page: recovery codes to show once, or the refused form. */
interface TwoFactorOutcome {
  codes?: string[];
  form?: TwoFactorSectionView["form"];
}

async function twoFactorSection(ctx: Ctx, lang: Lang, outcome: TwoFactorOutcome): Promise<TwoFactorSectionView> {
  const status = await twoFactorStatus(ctx);
  const pending = status.pending ? await pendingEnrolment(ctx) : null;
  return {
    state: status.enabled ? "on" : pending ? "pending" : "off",
    required: status.required,
    enabledAt: status.enabledAt ? displayDate(status.enabledAt, lang) : null,
    recoveryCodesLeft: status.recoveryCodesLeft,
    secretGroups: pending ? (pending.secret.match(/.{1,4}/g) ?? []) : [],
    uri: pending?.uri ?? null,
    recoveryCodes: outcome.codes ?? [],
    form: outcome.form ?? null,
  };
}

// The page helpers take any visitor's context; behind signedIn the user and session are set.
const asPage = (c: Context<AuthedEnv>) => c as unknown as Context<AppEnv>;

/** The account settings page of every tenant: the profile form, two-factor sign-in and the sessions, each end action confirmed on the page. */
export function accountSettingsPages(sf: Storefront) {
  const app = new Hono<AuthedEnv>();

  const settingsPage = async (
    c: Context<AuthedEnv>,
    form: Partial<FormState>,
    status = 200,
    twoFactor: TwoFactorOutcome = {},
    emailForm: Partial<FormState> = {},
  ) => {
    const req = await pageRequest(asPage(c), sf);
    const { t } = req;
    const lang = req.visit.lang;
    const sessions = await listSessions(ctxOf(c), c.get("session").id);
    const data: AccountSettingsData = {
      twoFactor: await twoFactorSection(ctxOf(c), lang, twoFactor),
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
      return settingsPage(c, {}, err.status, {}, { values, errors });
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

  // Two-factor sign-in: start shows the secret (kept until confirmed), confirm and regenerate show the recovery codes once.
  app.post("/account/two-factor/start", requireCsrf, async (c) => {
    try {
      await startEnrolment(ctxOf(c));
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 409) throw err;
    }
    return c.redirect("/account/settings#two-factor", 303);
  });

  const twoFactorForm = (
    name: "confirm" | "regenerate" | "disable",
    fields: string[],
    act: (c: Context<AuthedEnv>, v: Record<string, string>) => Promise<Response>,
  ) =>
    app.post(`/account/two-factor/${name === "regenerate" ? "recovery-codes" : name}`, requireCsrf, async (c) => {
      const posted = await c.req.parseBody();
      const values: Record<string, string> = {};
      for (const field of fields) values[field] = typeof posted[field] === "string" ? posted[field].slice(0, 200) : "";
      try {
        return await act(c, values);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        if (err.status === 409) return c.redirect("/account/settings#two-factor", 303);
        if (err.code !== "validation_failed") throw err;
        const { t } = await pageRequest(asPage(c), sf);
        const errors: Record<string, string[]> = {};
        for (const [field, messages] of Object.entries((err.details ?? {}) as Record<string, string[]>)) {
          const key = field === "password" ? "password" : messages.join(" ").includes("already used") ? "code_used" : "code";
          errors[field === "password" ? "password" : "code"] = [t(`two_factor.error.${key}`)];
        }
        // The password is never sent back; the code is, so the visitor sees what was refused.
        return settingsPage(c, {}, 422, { form: { name, values: { code: values.code ?? "" }, errors } });
      }
    });

  twoFactorForm("confirm", ["code"], async (c, v) => {
    const codes = await confirmEnrolment(ctxOf(c), parseInput(twoFactorConfirmSchema, v).code, c.get("session").id);
    return settingsPage(c, {}, 200, { codes });
  });

  twoFactorForm("regenerate", ["code", "password"], async (c, v) => {
    const proof = parseInput(twoFactorRegenerateSchema, { code: v.code || undefined, password: v.password || undefined });
    return settingsPage(c, {}, 200, { codes: await regenerateRecoveryCodes(ctxOf(c), proof) });
  });

  twoFactorForm("disable", ["password", "code"], async (c, v) => {
    await disableTwoFactor(ctxOf(c), parseInput(twoFactorDisableSchema, v), c.get("session").id);
    return c.redirect("/account/settings?flash=two_factor_off#two-factor", 303);
  });

  return new Hono<AppEnv>().route("/", guarded(signedIn, app));
}
