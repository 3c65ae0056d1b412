import { Hono, type Context, type MiddlewareHandler } from "hono";
import { z } from "zod";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { Validation } from "../core/errors.ts";
import { fieldErrors } from "../core/validate.ts";
import { changePasswordSchema, forgotPasswordSchema, resetPasswordSchema } from "../auth/schema.ts";
import { changePassword, requestPasswordReset, resetPassword } from "../auth/password-reset.ts";
import { csrfToken, requireCsrf } from "./csrf.ts";
import { pageRequest, render, type Storefront } from "./respond.ts";
import type { FormState, PageView, PasswordForgotData, PasswordResetData } from "./view-models.ts";

const forgotForm = z.object({ email: z.string().max(300).optional().default("") });
const resetForm = z.object({
  token: z.string().max(100).optional().default(""),
  password: z.string().max(300).optional().default(""),
  password_confirmation: z.string().max(300).optional().default(""),
});
const changeForm = z.object({
  current_password: z.string().max(300).optional().default(""),
  password: z.string().max(300).optional().default(""),
  password_confirmation: z.string().max(300).optional().default(""),
});

/** Field errors (English, from the auth module) → the page's translated messages. */
function passwordErrors(errors: Record<string, string[]>, t: PageView["t"]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(errors)) {
    const text = messages.join(" ").toLowerCase();
    let key = "form.error.invalid";
    if (field === "email") key = "form.error.email_invalid";
    else if (field === "token") key = "form.error.reset_link_invalid";
    else if (field === "current_password") key = "form.error.current_password_wrong";
    else if (field === "password") key = text.includes("common") ? "form.error.password_common" : "form.error.password_length";
    else if (field === "password_confirmation") key = "form.error.password_mismatch";
    out[field] = [...(out[field] ?? []), t(key)];
  }
  return out;
}

async function formOf<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.infer<S>> {
  const body = await c.req.parseBody();
  const plain: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") plain[k] = v;
  const parsed = schema.safeParse(plain);
  return parsed.success ? parsed.data : schema.parse({});
}

/** /password/forgot and /password/reset: the same pages on the platform and on every site, in the tenant's name. */
export function passwordPages(sf: Storefront, limiter: MiddlewareHandler<AppEnv>) {
  const app = new Hono<AppEnv>();

  const forgotPage = async (c: Context<AppEnv>, state: Partial<PasswordForgotData>, status = 200) => {
    const req = await pageRequest(c, sf, { csrf: csrfToken(c) });
    const data: PasswordForgotData = { values: state.values ?? {}, errors: state.errors ?? {}, sent: state.sent ?? false };
    return render(c, req, { id: "password-forgot", status }, data);
  };

  const resetPage = async (c: Context<AppEnv>, state: Partial<PasswordResetData>, status = 200) => {
    const req = await pageRequest(c, sf, { csrf: csrfToken(c) });
    const token = state.token ?? (c.req.query("token") ?? "").slice(0, 100);
    const data: PasswordResetData = { values: {}, errors: state.errors ?? {}, token };
    return render(c, req, { id: "password-reset", status }, data);
  };

  app.get("/password/forgot", (c) => forgotPage(c, {}));
  app.get("/password/reset", (c) => resetPage(c, {}));

  app.post("/password/forgot", limiter, requireCsrf, async (c) => {
    const form = await formOf(c, forgotForm);
    const { t } = await pageRequest(c, sf);
    const parsed = forgotPasswordSchema.safeParse({ email: form.email });
    if (!parsed.success) return forgotPage(c, { values: { email: form.email }, errors: passwordErrors(fieldErrors(parsed.error), t) }, 422);
    await requestPasswordReset(ctxOf(c), parsed.data);
    // The same page whether or not the address has an account.
    return forgotPage(c, { sent: true });
  });

  app.post("/password/reset", limiter, requireCsrf, async (c) => {
    const form = await formOf(c, resetForm);
    const { t } = await pageRequest(c, sf);
    const parsed = resetPasswordSchema.safeParse(form);
    if (!parsed.success) return resetPage(c, { token: form.token, errors: passwordErrors(fieldErrors(parsed.error), t) }, 422);
    try {
      await resetPassword(ctxOf(c), parsed.data);
    } catch (err) {
      if (!(err instanceof Validation)) throw err;
      return resetPage(c, { token: form.token, errors: passwordErrors(err.details as Record<string, string[]>, t) }, 422);
    }
    return c.redirect("/login?flash=password_changed", 303);
  });

  return app;
}

/** /account/password: a signed-in visitor changes the password (signedIn is applied where it is mounted). */
export function accountPasswordPages(sf: Storefront) {
  const app = new Hono<AppEnv>();

  const changePage = async (c: Context<AppEnv>, state: Partial<FormState>, status = 200) => {
    const req = await pageRequest(c, sf, { csrf: csrfToken(c) });
    return render(c, req, { id: "account-password", status }, { values: {}, errors: state.errors ?? {} } satisfies FormState);
  };

  app.get("/account/password", (c) => changePage(c, {}));

  app.post("/account/password", requireCsrf, async (c) => {
    const form = await formOf(c, changeForm);
    const { t } = await pageRequest(c, sf);
    const parsed = changePasswordSchema.safeParse(form);
    if (!parsed.success) return changePage(c, { errors: passwordErrors(fieldErrors(parsed.error), t) }, 422);
    const user = c.get("user");
    const session = c.get("session");
    if (!user || !session) return c.redirect("/login", 303);
    try {
      await changePassword(ctxOf(c), user, session.id, parsed.data);
    } catch (err) {
      if (!(err instanceof Validation)) throw err;
      return changePage(c, { errors: passwordErrors(err.details as Record<string, string[]>, t) }, 422);
    }
    return c.redirect("/account?flash=password_changed_here", 303);
  });

  return app;
}
