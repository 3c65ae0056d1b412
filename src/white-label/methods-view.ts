import type { Ctx } from "../context.ts";
import type { Site } from "../db/schema.ts";
import type { FormState, StatusBadgeView, Translate } from "../storefront/view-models.ts";
import { displayMoney, displayPercent } from "../storefront/format.ts";
import { methodPayable as methodComplete } from "../wallet/view.ts";
import { listPaymentMethods, type MethodWithFee } from "../staff/finance/payment-methods.ts";
import { formatMoney, formatPercent } from "../money/money.ts";
import type { FeeRule } from "../wallet/fees.ts";
import { siteMethodView } from "../reseller/view.ts";
import { siteTenantCtx } from "../reseller/scope.ts";
import type { Lang } from "../i18n/lang.ts";

/** One form's values and errors: the page holds several forms, only the posted one shows them. */
type FormData = { values: Record<string, string>; errors: Record<string, string[]> };

interface MethodsPageData {
  uuid: string;
  siteHref: string;
  notice: string | null;
  formError: string[];
  types: { value: string; label: string }[];
  methods: {
    id: number;
    name: string;
    type: string;
    status: StatusBadgeView;
    complete: boolean;
    account: string;
    limits: string;
    fee: string;
    open: boolean;
    form: FormData;
    action: string;
    toggleAction: string;
    removeAction: string;
    active: boolean;
  }[];
  create: { action: string; open: boolean; form: FormData };
}

/** Every deposit method of the site (active or not) with its fee rule, for its owner's pages. */
async function siteMethods(ctx: Ctx, site: Site): Promise<MethodWithFee[]> {
  return listPaymentMethods(siteTenantCtx(ctx, site));
}

/** A fee rule in words: "2 % + 100 F CFA (min 50 F CFA, max 1 000 F CFA)", or "no fee". */
function feeText(fee: FeeRule, money: (m: number) => string, t: Translate, lang: Lang): string {
  if (fee.percentBp === 0 && fee.fixed === 0 && fee.min === 0) return t("platform.wl.fig.fee_none");
  const parts = [fee.percentBp ? displayPercent(fee.percentBp, lang) : null, fee.fixed ? money(fee.fixed) : null].filter(Boolean).join(" + ") || money(0);
  const bounds = [
    fee.min ? t("platform.wl.fig.fee_min_short", { amount: money(fee.min) }) : null,
    fee.max !== null ? t("platform.wl.fig.fee_max_short", { amount: money(fee.max) }) : null,
  ].filter(Boolean);
  return bounds.length ? `${parts} (${bounds.join(", ")})` : parts;
}

const METHOD_DONE = ["method_added", "method_saved", "method_enabled", "method_disabled", "method_deleted", "method_deactivated"];

export async function methodsPageData(
  ctx: Ctx,
  site: Site,
  f: { lang: Lang; t: Translate },
  state: Partial<FormState>,
  done: string | undefined,
): Promise<MethodsPageData> {
  const base = `/white-label/sites/${site.uuid}/payment-methods`;
  const posted = state.values?._form;
  const errors = state.errors ?? {};
  const mine = (id: string, values: Record<string, string>): FormData =>
    posted === id ? { values: { ...values, ...state.values }, errors } : { values, errors: {} };
  const methods = await siteMethods(ctx, site);
  const money = (m: number) => displayMoney(m, site.currency, f.lang);
  const t: Translate = f.t;
  return {
    uuid: site.uuid,
    siteHref: `/white-label/sites/${site.uuid}`,
    notice: done && METHOD_DONE.includes(done) ? t(`platform.wl.done.${done}`) : null,
    formError: posted ? (errors._ ?? []) : [],
    types: ["mobile_money", "bank", "other"].map((v) => ({ value: v, label: t(`platform.wl.pm.type.${v}`) })),
    methods: methods.map(({ method: m, fee }) => {
      const v = siteMethodView({ method: m, fee });
      const complete = methodComplete(m);
      const id = String(m.id);
      return {
        id: m.id,
        name: m.name,
        type: t(`platform.wl.pm.type.${m.type}`),
        active: Boolean(m.is_active),
        status: m.is_active
          ? { tone: "success", label: t("platform.wl.pm.active") }
          : { tone: complete ? "muted" : "warning", label: t(complete ? "platform.wl.pm.inactive" : "platform.wl.pm.incomplete") },
        complete,
        account: [m.account_name, m.account_number].filter(Boolean).join(" · ") || "—",
        limits:
          m.max_amount === null
            ? t("platform.wl.pm.limits_open", { min: money(Number(m.min_amount)) })
            : t("platform.wl.pm.limits", { min: money(Number(m.min_amount)), max: money(Number(m.max_amount)) }),
        fee: feeText(fee, money, t, f.lang),
        open: posted === id,
        form: mine(id, {
          name: v.name,
          type: v.type,
          account_name: v.account_name ?? "",
          account_number: v.account_number ?? "",
          instructions_fr: v.instructions_fr ?? "",
          instructions_en: v.instructions_en ?? "",
          min_amount: v.min_amount,
          max_amount: v.max_amount ?? "",
          is_active: v.is_active ? "1" : "",
          fee_percent: f.lang === "fr" ? formatPercent(fee.percentBp).replace(".", ",") : formatPercent(fee.percentBp),
          fee_fixed: formatMoney(fee.fixed),
          fee_min: formatMoney(fee.min),
          fee_max: fee.max === null ? "" : formatMoney(fee.max),
        }),
        action: `${base}/${m.id}`,
        toggleAction: `${base}/${m.id}/active`,
        removeAction: `${base}/${m.id}/remove`,
      };
    }),
    create: {
      action: base,
      open: posted === "new",
      form: mine("new", { type: "mobile_money", min_amount: "500", fee_percent: "0", fee_fixed: "0", fee_min: "0" }),
    },
  };
}
