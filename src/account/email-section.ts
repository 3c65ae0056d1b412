import type { Ctx } from "../context.ts";
import type { User } from "../db/schema.ts";
import type { Lang } from "../i18n/lang.ts";
import { pendingEmailChange } from "../auth/email-verification.ts";
import { displayDate } from "../storefront/format.ts";
import type { EmailSettingsView, FormState, Translate } from "../storefront/view-models.ts";

/** The address section of the settings page: the address, whether it is verified, a pending change and the change form. */
export async function emailSection(ctx: Ctx, user: User, form: Partial<FormState>, lang: Lang): Promise<EmailSettingsView> {
  const pending = await pendingEmailChange(ctx, user.id);
  return {
    values: form.values ?? {},
    errors: form.errors ?? {},
    current: user.email,
    verified: Boolean(user.email_verified_at),
    pending: pending && { email: pending.email, until: displayDate(pending.expiresAt, lang) },
  };
}

/** Field errors of the change form (English, from the auth module) → the page's messages, under the form's own field names. */
export function emailFormErrors(details: Record<string, string[]>, t: Translate): FormState["errors"] {
  const out: FormState["errors"] = {};
  for (const [field, messages] of Object.entries(details)) {
    const text = messages.join(" ").toLowerCase();
    if (field === "current_password")
      out.email_password = [t(text.includes("incorrect") ? "form.error.current_password_wrong" : "form.error.password_required")];
    else if (field === "email")
      out.new_email = [
        t(text.includes("already your") ? "email.error.same" : text.includes("already") ? "form.error.email_taken" : "form.error.email_invalid"),
      ];
    else out._ = [t("form.error.check_fields")];
  }
  return out;
}
