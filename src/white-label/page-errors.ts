import { AppError, NotFound } from "../core/errors.ts";
import type { Translate } from "../storefront/view-models.ts";

/** Field → translated messages; "_<form>" keys hold a whole form's message. */
export type Errors = (err: unknown, t: Translate) => Record<string, string[]>;

/** The English details of a domain error, as the verbs wrote them (field → messages). */
function details(err: AppError): Record<string, string[]> {
  return err.details && typeof err.details === "object" ? (err.details as Record<string, string[]>) : {};
}

/** Only user errors re-render a form; anything else (404, 500…) goes to the error page. */
function userError(err: unknown): AppError {
  if (err instanceof AppError && !(err instanceof NotFound) && [409, 422].includes(err.status)) return err;
  throw err;
}

const text = (messages: string[] | undefined) => (messages ?? []).join(" ").toLowerCase();

export const purchaseErrors: Errors = (err, t): Record<string, string[]> => {
  const e = userError(err);
  if (e.code === "insufficient_balance") return { _: [t("platform.wl.error.insufficient_balance")] };
  const out: Record<string, string[]> = { _: [t("form.error.check_fields")] };
  for (const [field, messages] of Object.entries(details(e))) {
    const m = text(messages);
    if (field === "slug") out.slug = [t(m.includes("taken") ? "platform.wl.error.slug_taken" : "platform.wl.error.slug")];
    else if (field === "custom_domain")
      out.custom_domain = [
        t(m.includes("plan") ? "platform.wl.error.domain_plan" : m.includes("in use") ? "platform.wl.error.domain_taken" : "platform.wl.error.domain"),
      ];
    else if (field === "site_name") out.site_name = [t("platform.wl.error.site_name")];
    else if (field === "plan_id" || field === "template_id" || field === "billing_cycle") out[field] = [t("platform.wl.error.choose")];
    else if (field !== "_") out[field] = [t("form.error.field_invalid")];
  }
  return out;
};

export const domainErrors: Errors = (err, t): Record<string, string[]> => {
  const e = userError(err);
  if (e.code === "domain_not_verified") return { _domain: [t("platform.wl.error.domain_not_verified")] };
  if (e.code === "domain_lookup_failed") return { _domain: [t("platform.wl.error.domain_lookup")] };
  const m = text(details(e).custom_domain);
  const key = m.includes("first")
    ? "platform.wl.error.domain_missing"
    : m.includes("plan")
      ? "platform.wl.error.domain_plan"
      : m.includes("in use")
        ? "platform.wl.error.domain_taken"
        : "platform.wl.error.domain";
  return { _domain: [t(key)], custom_domain: [t(key)] };
};

export const brandingErrors: Errors = (err, t): Record<string, string[]> => {
  const e = userError(err);
  const out: Record<string, string[]> = { _branding: [t("form.error.check_fields")] };
  for (const field of Object.keys(details(e))) {
    if (field === "logo") out.logo = [t("platform.wl.error.logo")];
    else if (field === "name") out.name = [t("platform.wl.error.site_name")];
    else if (field !== "_") out[field] = [t("form.error.field_invalid")];
  }
  return out;
};

export const depositErrors: Errors = (err, t): Record<string, string[]> => {
  const e = userError(err);
  return { _deposits: [t(e.status === 409 ? "platform.wl.error.deposit_done" : "form.error.check_fields")] };
};

/** The page forms post `<slug>_fr` / `<slug>_en` (the route renames the verb's `body_fr` / `body_en`). */
export const contentPageErrors: Errors = (err, t): Record<string, string[]> => {
  const e = userError(err);
  const out: Record<string, string[]> = { _pages: [t("form.error.check_fields")] };
  for (const field of Object.keys(details(e))) if (/_(fr|en)$/.test(field)) out[field] = [t("platform.wl.error.page_body")];
  return out;
};

export const announcementErrors: Errors = (err, t): Record<string, string[]> => {
  userError(err);
  return { _announcement: [t("platform.wl.error.announcement")], announcement: [t("platform.wl.error.announcement")] };
};

export const contactErrors: Errors = (err, t): Record<string, string[]> => {
  const e = userError(err);
  const out: Record<string, string[]> = { _contact: [t("form.error.check_fields")] };
  for (const field of Object.keys(details(e))) {
    const key = field.replace(/^contact\./, "");
    const kind = key === "whatsapp" ? "phone" : key === "email" ? "email" : key === "telegram" ? "telegram" : "url";
    out[key] = [t(`platform.wl.error.contact_${kind}`)];
  }
  return out;
};

export const themeErrors: Errors = (err, t): Record<string, string[]> => {
  userError(err);
  return { _theme: [t("platform.wl.error.theme")], template_id: [t("platform.wl.error.theme")] };
};

const METHOD_FIELDS = [
  "code",
  "name",
  "type",
  "account_name",
  "account_number",
  "instructions_fr",
  "instructions_en",
  "min_amount",
  "max_amount",
  "fee_fixed",
  "fee_min",
];

export const methodErrors: Errors = (err, t): Record<string, string[]> => {
  const e = userError(err);
  const out: Record<string, string[]> = { _: [t("form.error.check_fields")] };
  for (const [field, messages] of Object.entries(details(e))) {
    const m = text(messages);
    if (field === "account_number") out.account_number = [t(m.includes("activat") ? "platform.wl.pm.error.number_needed" : "form.error.field_invalid")];
    else if (field === "instructions_fr")
      out.instructions_fr = [t(m.includes("activat") ? "platform.wl.pm.error.instructions_needed" : "form.error.field_invalid")];
    else if (field === "code") out.code = [t(m.includes("already") ? "platform.wl.pm.error.code_taken" : "platform.wl.pm.error.code")];
    else if (field === "max_amount") out.max_amount = [t("platform.wl.pm.error.max")];
    else if (field === "name") out.name = [t("platform.wl.pm.error.name")];
    else if (field === "fee_percent") out.fee_percent = [t("platform.wl.fig.fee_error_percent")];
    else if (field === "fee_max") out.fee_max = [t("platform.wl.fig.fee_error_max")];
    else if (METHOD_FIELDS.includes(field)) out[field] = [t("form.error.field_invalid")];
  }
  return out;
};
