import type { Ctx } from "../context.ts";
import { AppError, NotFound } from "../core/errors.ts";
import type { GatewayKind, Site } from "../db/schema.ts";
import { formatPercent } from "../money/money.ts";
import { bookingCurrency } from "../settings/service.ts";
import { displayPercent } from "../storefront/format.ts";
import type { PageRequest } from "../storefront/respond.ts";
import type { FormState, StatusBadgeView, Translate } from "../storefront/view-models.ts";
import { GATEWAY_NAMES } from "./accounts.ts";
import { connectableKinds, credentialFields } from "./kinds.ts";
import { gatewayAccountView, listGatewayAccounts } from "./manage-accounts.ts";
import { simulatedGateway } from "./simulated.ts";

/** What the "test connection" button found, shown in words on the account's card. */
export interface TestResult {
  id: number;
  ok: boolean;
  reason: "refused" | "unreachable" | null;
  message: string | null;
}

type FormData = { values: Record<string, string>; errors: Record<string, string[]> };

const DONE = ["connected", "saved", "enabled", "disabled", "removed", "deactivated"];

/** The posted form → the API's body: credentials are the `<kind>.<field>` inputs, blank ones left out (kept). */
export function accountInput(fields: Record<string, string>, creating: boolean): Record<string, unknown> {
  const kind = (fields.kind ?? "").trim();
  const credentials: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (k.startsWith(`${kind}.`) && v.trim() !== "") credentials[k.slice(kind.length + 1)] = v;
  return {
    ...(creating && { kind }),
    name: (fields.name ?? "").trim(),
    mode: fields.mode === "simulated" ? "simulated" : "live",
    currency: (fields.currency ?? "").trim(),
    fee_percent: (fields.fee_percent ?? "").trim() || "0",
    is_active: fields.is_active === "1",
    credentials,
  };
}

/** A refusal → the form's messages in the page's language, under the field in error. */
export function accountErrors(err: unknown, t: Translate, fields: Record<string, string>): Record<string, string[]> {
  if (!(err instanceof AppError) || err instanceof NotFound || ![409, 422].includes(err.status)) throw err;
  if (err.code === "gateway_payment_pending") return { _: [t("platform.wl.gw.error.pending")] };
  const out: Record<string, string[]> = { _: [t("form.error.check_fields")] };
  const details = err.details && typeof err.details === "object" ? (err.details as Record<string, string[]>) : {};
  for (const [field, messages] of Object.entries(details)) {
    const text = messages.join(" ");
    if (field.startsWith("credentials.")) out[`${fields.kind}.${field.slice(12)}`] = [t("platform.wl.gw.error.credential")];
    else if (field === "currency") out.currency = [t("platform.wl.gw.error.currency", { currency: /in ([A-Z]{3})/.exec(text)?.[1] ?? "" })];
    else if (field === "mode") out.mode = [t("platform.wl.gw.error.simulated_off")];
    else if (field === "name") out.name = [t("platform.wl.gw.error.name")];
    else if (field === "fee_percent") out.fee_percent = [t("platform.wl.gw.error.fee")];
    else if (field !== "_") out[field] = [t("form.error.field_invalid")];
  }
  return out;
}

/** The page of a site's gateway accounts: each with its hints, switch, test and edit form; the connect form. */
export async function accountsPageData(ctx: Ctx, site: Site, req: PageRequest, state: Partial<FormState>, done: string | undefined, tested: TestResult | null) {
  const { t } = req;
  const lang = req.visit.lang;
  const base = `/white-label/sites/${site.uuid}/gateways`;
  const posted = state.values?._form;
  const errors = state.errors ?? {};
  const mine = (id: string, values: Record<string, string>): FormData =>
    posted === id ? { values: { ...values, ...state.values }, errors } : { values, errors: {} };
  const [accounts, currency] = await Promise.all([listGatewayAccounts(ctx), bookingCurrency(ctx)]);
  const simulated = simulatedGateway(ctx) !== null;
  const modes = [
    { value: "live", label: t("platform.wl.gw.mode.live") },
    ...(simulated ? [{ value: "simulated", label: t("platform.wl.gw.mode.simulated") }] : []),
  ];
  const credLabel = (field: string) => t(`platform.wl.gw.cred.${field}`);
  const kinds = connectableKinds().map((k) => ({
    value: k,
    label: GATEWAY_NAMES[k],
    fields: credentialFields(k).map((name) => ({ name, label: credLabel(name) })),
  }));
  return {
    siteHref: `/white-label/sites/${site.uuid}`,
    paymentsHref: `/white-label/sites/${site.uuid}/gateway-payments`,
    notice: done && DONE.includes(done) ? t(`platform.wl.gw.done.${done}`) : null,
    formError: posted ? (errors._ ?? []) : [],
    simulated,
    currency,
    kinds,
    modes,
    anyActive: accounts.some((a) => a.is_active),
    accounts: accounts.map((a) => {
      const v = gatewayAccountView(ctx, a);
      const id = String(a.id);
      const status: StatusBadgeView = a.is_active
        ? { tone: "success", label: t("platform.wl.gw.active") }
        : { tone: "muted", label: t("platform.wl.gw.inactive") };
      return {
        id: a.id,
        name: a.name,
        gateway: v.gateway,
        kind: a.kind,
        mode: t(`platform.wl.gw.mode.${a.mode}`),
        status,
        active: Boolean(a.is_active),
        fee: displayPercent(Number(a.fee_percent_bp), lang),
        currency: a.currency,
        hints: Object.entries(v.credentials_hint).map(([k, value]) => ({ label: credLabel(k), value })),
        fields: credentialFields(a.kind as GatewayKind).map((name) => ({ name, label: credLabel(name), hint: v.credentials_hint[name] ?? "" })),
        tested:
          tested && tested.id === a.id
            ? {
                ok: tested.ok,
                text: tested.ok ? t("platform.wl.gw.test_ok") : t(`platform.wl.gw.test_${tested.reason ?? "unreachable"}`, { detail: tested.message ?? "" }),
              }
            : null,
        open: posted === id,
        form: mine(id, {
          kind: a.kind,
          name: a.name,
          mode: a.mode === "simulated" ? "simulated" : "live",
          currency: a.currency,
          fee_percent: lang === "fr" ? formatPercent(Number(a.fee_percent_bp)).replace(".", ",") : formatPercent(Number(a.fee_percent_bp)),
          is_active: a.is_active ? "1" : "",
        }),
        action: `${base}/${a.id}`,
        toggleAction: `${base}/${a.id}/active`,
        removeAction: `${base}/${a.id}/remove`,
        testAction: `${base}/${a.id}/test`,
      };
    }),
    create: {
      action: base,
      open: posted === "new" || accounts.length === 0,
      form: mine("new", { kind: connectableKinds()[0] ?? "", mode: simulated ? "simulated" : "live", currency, fee_percent: "0", is_active: "1" }),
    },
  };
}
