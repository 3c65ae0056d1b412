import { randomUUID } from "node:crypto";
import { Hono, type Context } from "hono";
import { signedIn } from "../auth/middleware.ts";
import { AppError, NotFound, Validation } from "../core/errors.ts";
import { parseInput } from "../core/validate.ts";
import { guarded } from "../http/guard.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { runOnceForValue } from "../idempotency/idempotency.ts";
import { fromDbTime, toIso } from "../lib/time.ts";
import { UUID_SEGMENT } from "../lib/uuid.ts";
import { paymentMethodView } from "../storefront/account-view.ts";
import { FORM_ACTIONS } from "../storefront/account-sources.ts";
import { requireCsrf } from "../storefront/csrf.ts";
import { displayDate, displayMoney } from "../storefront/format.ts";
import { pageRequest, render, type PageRequest, type Storefront } from "../storefront/respond.ts";
import type { FormState, FundsGatewayData, FundsPaymentData } from "../storefront/view-models.ts";
import { activeGatewayAccounts } from "./accounts.ts";
import { ownGatewayPayment, quoteGatewayDeposit, returnPath, startGatewayPayment, type GatewayPayment } from "./payments.ts";
import { settleGatewayPayment } from "./settle.ts";
import { startGatewayBody } from "./schema.ts";

/** How often the payment page reloads itself while the payment is pending, and reads the gateway back at most. */
const REFRESH_SECONDS = 5;
const READ_BACK_EVERY_MS = 10_000;

const TONES: Record<GatewayPayment["status"], string> = {
  pending: "pending",
  succeeded: "success",
  failed: "danger",
  expired: "muted",
  refunded: "warning",
  charged_back: "warning",
};

/** The API's field names → the form's. */
const FORM_FIELD: Record<string, string> = { gateway_account_id: "gateway", amount: "amount" };

/** The idempotency refusals, each with its own translated message (form.error.<code>). */
const IDEMPOTENCY_CODES = new Set(["idempotency_in_flight", "idempotency_key_reused", "idempotency_answer_lost"]);

/** A refusal → the form's errors in the page's language (the verbs speak the API's English). */
function formErrors(err: unknown, req: PageRequest): FormState["errors"] {
  if (!(err instanceof AppError) || ![409, 422, 503].includes(err.status)) throw err;
  const { t } = req;
  if (err.code === "gateway_unavailable") return { _: [t("gateway.error.unavailable")] };
  if (IDEMPOTENCY_CODES.has(err.code)) return { _: [t(`form.error.${err.code}`)] };
  const out: FormState["errors"] = { _: [t("form.error.check_fields")] };
  if (err instanceof Validation && err.details && typeof err.details === "object") {
    for (const field of Object.keys(err.details)) {
      const name = FORM_FIELD[field];
      if (name) out[name] = [t(`gateway.error.${name}`)];
    }
  }
  return out;
}

/**
 * The automatic deposit's pages on every tenant (signed in): the amount form and its confirmation step
 * (`POST /funds/gateway`), then the page that follows the payment (`/funds/payments/{uuid}`), where the
 * gateway sends the customer back.
 */
export function gatewayPages(sf: Storefront) {
  const app = new Hono<AppEnv>();

  const formPage = async (c: Context<AppEnv>, state: Partial<FormState> & { preview?: FundsGatewayData["preview"]; key?: string }, status = 200) => {
    const req = await pageRequest(c, sf);
    const f = { lang: req.visit.lang, currency: req.look.currency, t: req.t };
    const accounts = await activeGatewayAccounts(ctxOf(c));
    const wanted = state.values?.gateway ?? String(accounts[0]?.id ?? "");
    const values = { ...state.values };
    delete values.idempotency_key;
    delete values.confirm;
    const data: FundsGatewayData = {
      values,
      errors: state.errors ?? {},
      action: FORM_ACTIONS.gatewayDeposit,
      currency: f.currency,
      gateways: accounts.map((a) =>
        paymentMethodView(
          {
            code: String(a.id),
            name: a.name,
            type: "gateway",
            instructions: { fr: null, en: null },
            accountName: null,
            accountNumber: null,
            minAmount: Number(a.min_amount),
            maxAmount: a.max_amount === null ? null : Number(a.max_amount),
            feeBp: Number(a.fee_percent_bp),
            feeFixed: Number(a.fee_fixed),
          },
          String(a.id) === wanted,
          f,
        ),
      ),
      preview: state.preview,
      idempotencyKey: state.key || randomUUID(),
    };
    return render(c, req, { id: "funds-gateway", status }, data);
  };

  const inputOf = (form: Record<string, string>) =>
    parseInput(startGatewayBody, { gateway_account_id: form.gateway?.trim() || undefined, amount: form.amount?.trim() || undefined });

  app.post(FORM_ACTIONS.gatewayDeposit, requireCsrf, async (c) => {
    const ctx = ctxOf(c);
    const body = await c.req.parseBody();
    const form: Record<string, string> = {};
    for (const k of ["gateway", "amount", "confirm", "idempotency_key"]) if (typeof body[k] === "string") form[k] = (body[k] as string).slice(0, 200);
    try {
      if (form.confirm === "edit") return await formPage(c, { values: form });
      const input = inputOf(form);
      if (form.confirm !== "yes") {
        const q = await quoteGatewayDeposit(ctx, input);
        const req = await pageRequest(c, sf);
        const money = (m: number) => displayMoney(m, req.look.currency, req.visit.lang);
        return await formPage(c, {
          values: form,
          key: form.idempotency_key,
          preview: { gateway: q.account.name, amount: money(q.amount), fee: money(q.fee), credited: money(q.credited) },
        });
      }
      // A double submit of the confirmation starts one payment and sends both to it.
      const { value } = await runOnceForValue(
        ctx,
        { scope: `u:${ctx.user!.id}`, key: form.idempotency_key || undefined, operation: "POST /funds/gateway", body: input, requestId: c.get("requestId") },
        async () => (await startGatewayPayment(ctx, input)).uuid,
      );
      return c.redirect(`${returnPath(value)}?go=1`, 303);
    } catch (err) {
      return formPage(c, { values: form, errors: formErrors(err, await pageRequest(c, sf)) }, 422);
    }
  });

  app.get(`/funds/payments/:uuid{${UUID_SEGMENT}}`, async (c) => {
    const ctx = ctxOf(c);
    let payment = await ownGatewayPayment(ctx, c.req.param("uuid"));
    if (!payment) throw new NotFound("Payment not found");
    // The customer is back (or waiting): read the gateway back now and then, in case its notification is late or lost.
    const checked = payment.last_checked_at ? fromDbTime(payment.last_checked_at).getTime() : fromDbTime(payment.created_at).getTime();
    const goNow = c.req.query("go") === "1";
    if (payment.status === "pending" && !goNow && ctx.clock.now().getTime() - checked >= READ_BACK_EVERY_MS) {
      await settleGatewayPayment(ctx, payment.id);
      payment = (await ownGatewayPayment(ctx, payment.uuid))!;
    }
    const req = await pageRequest(c, sf);
    const lang = req.visit.lang;
    const money = (m: number | null) => (m === null ? null : displayMoney(m, payment.currency, lang));
    const done = payment.status === "succeeded" || payment.status === "refunded" || payment.status === "charged_back";
    const confirmed = payment.confirmed_amount === null ? null : Number(payment.confirmed_amount);
    const data: FundsPaymentData = {
      gateway: payment.gateway_name,
      status: { tone: TONES[payment.status], label: req.t(`gateway.status.${payment.status}`) },
      statusText: req.t(`gateway.explain.${payment.status}`),
      amount: money(Number(payment.amount))!,
      confirmedAmount: done && confirmed !== Number(payment.amount) ? money(confirmed) : null,
      fee: done ? money(Number(payment.fee ?? 0)) : null,
      credited: done && confirmed !== null ? money(confirmed - Number(payment.fee ?? 0)) : null,
      createdAt: displayDate(toIso(payment.created_at), lang),
      pending: payment.status === "pending",
      refreshSeconds: REFRESH_SECONDS,
      checkoutUrl: payment.status === "pending" && payment.checkout_url && /^https?:\/\//.test(payment.checkout_url) ? payment.checkout_url : null,
      goNow: goNow && payment.status === "pending",
    };
    return render(c, req, { id: "funds-payment" }, data);
  });

  return guarded(signedIn, app);
}
