import { Hono, type Context } from "hono";
import { AppError } from "../core/errors.ts";
import { idParam } from "../core/params.ts";
import { parseInput } from "../core/validate.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { formatMoney, formatPercent } from "../money/money.ts";
import { createPaymentMethod, listPaymentMethods, removePaymentMethod, updatePaymentMethod, type MethodWithFee } from "../staff/finance/payment-methods.ts";
import { paymentMethodCreate, paymentMethodUpdate } from "../staff/finance/schema.ts";
import { requireCsrf } from "../storefront/csrf.ts";
import { displayMoney, displayPercent } from "../storefront/format.ts";
import type { Storefront } from "../storefront/respond.ts";
import { readForm, refusalOf, translated, type Errors, type Fields } from "./action-forms.ts";
import { consolePage, type ConsoleFormat } from "./frame.ts";

const TYPES = ["mobile_money", "bank", "other"] as const;
const TEXT_FIELDS = ["name", "account_name", "account_number", "instructions_fr", "instructions_en"] as const;
const AMOUNT_FIELDS = ["min_amount", "max_amount", "fee_percent", "fee_fixed", "fee_min", "fee_max"] as const;
/** Amounts that mean "no limit" when left empty. */
const OPEN_ENDED = ["max_amount", "fee_max"];

const WORDS: Partial<Record<string, MessageKey>> = {
  code: "admin.methods.error.code",
  name: "admin.methods.error.name",
  type: "admin.methods.error.type",
  account_number: "admin.methods.error.account_number",
  instructions_fr: "admin.methods.error.instructions",
  instructions_en: "admin.methods.error.instructions",
  account_name: "admin.methods.error.text",
  min_amount: "admin.methods.error.amount",
  max_amount: "admin.methods.error.max_amount",
  fee_percent: "admin.methods.error.percent",
  fee_fixed: "admin.methods.error.amount",
  fee_min: "admin.methods.error.amount",
  fee_max: "admin.methods.error.fee_max",
};

/** The form's fields as the verbs take them: an empty amount is "keep" (or "no maximum"), the box unticked is inactive. */
function methodInput(fields: Fields, creating: boolean): Record<string, unknown> {
  const input: Record<string, unknown> = { is_active: fields.is_active === "1" ? "1" : "0" };
  for (const k of TEXT_FIELDS) input[k] = fields[k] ?? "";
  for (const k of AMOUNT_FIELDS) {
    const v = (fields[k] ?? "").trim();
    if (v !== "") input[k] = v;
    else if (OPEN_ENDED.includes(k)) input[k] = null;
  }
  if (creating) {
    input.code = fields.code ?? "";
    input.type = fields.type ?? "";
  }
  return input;
}

/** A stored method as the edit form shows it (plain decimals, as they would be typed). */
function formValues({ method: m, fee }: MethodWithFee): Fields {
  return {
    code: m.code,
    type: m.type,
    name: m.name,
    account_name: m.account_name ?? "",
    account_number: m.account_number ?? "",
    instructions_fr: m.instructions_fr ?? "",
    instructions_en: m.instructions_en ?? "",
    min_amount: formatMoney(m.min_amount, 0),
    max_amount: m.max_amount === null ? "" : formatMoney(m.max_amount, 0),
    fee_percent: formatPercent(fee.percentBp),
    fee_fixed: formatMoney(fee.fixed, 0),
    fee_min: formatMoney(fee.min, 0),
    fee_max: fee.max === null ? "" : formatMoney(fee.max, 0),
    is_active: m.is_active ? "1" : "",
  };
}

function methodCard(f: ConsoleFormat, { method: m, fee }: MethodWithFee) {
  const money = (v: number) => displayMoney(v, f.currency, f.lang);
  const fees = [fee.percentBp ? displayPercent(fee.percentBp, f.lang) : null, fee.fixed ? money(fee.fixed) : null].filter(Boolean).join(" + ");
  return {
    id: m.id,
    name: m.name,
    code: m.code,
    type: f.tx(`admin.methods.type.${m.type in { mobile_money: 1, bank: 1, other: 1 } ? m.type : "other"}` as MessageKey),
    active: Boolean(m.is_active),
    account: [m.account_name, m.account_number].filter(Boolean).join(" · ") || "—",
    limits:
      m.max_amount === null
        ? f.tx("admin.methods.limits_open", { min: money(m.min_amount) })
        : f.tx("admin.methods.limits", { min: money(m.min_amount), max: money(m.max_amount) }),
    fees: fees || f.tx("admin.methods.no_fee"),
    editHref: `/admin/deposits/methods/${m.id}`,
  };
}

/** Deposit methods: list, add, edit, remove (deactivated instead when deposits point to it). */
export function paymentMethodConsolePages(sf: Storefront) {
  const app = new Hono<AppEnv>();

  app.get("/admin/deposits/methods", (c) =>
    consolePage(c, sf, { id: "admin-payment-methods", section: "deposits", heading: "admin.methods.title" }, async (f) => {
      const done = c.req.query("done");
      return {
        done: done && ["created", "saved", "deleted", "deactivated"].includes(done) ? f.tx(`admin.methods.done.${done}` as MessageKey) : null,
        methods: (await listPaymentMethods(ctxOf(c))).map((m) => methodCard(f, m)),
      };
    }),
  );

  const formPage = (c: Context<AppEnv>, id: number | null, state: { values?: Fields; errors?: Errors; status?: number } = {}) =>
    consolePage(
      c,
      sf,
      { id: "admin-payment-method", section: "deposits", heading: id ? "admin.methods.edit_title" : "admin.methods.new_title", status: state.status },
      async (f) => {
        const stored = id ? (await listPaymentMethods(ctxOf(c))).find((m) => m.method.id === id) : undefined;
        if (id && !stored) throw new AppError(404, "not_found", "Payment method not found");
        const values =
          state.values ?? (stored ? formValues(stored) : { type: "mobile_money", min_amount: "0", fee_percent: "0", fee_fixed: "0", fee_min: "0" });
        return {
          creating: !id,
          action: id ? `/admin/deposits/methods/${id}` : "/admin/deposits/methods",
          removeAction: id ? `/admin/deposits/methods/${id}/remove` : null,
          values,
          types: TYPES.map((t) => ({ value: t, label: f.tx(`admin.methods.type.${t}`), selected: values.type === t })),
          currency: f.currency,
          errors: translated(f, state.errors),
        };
      },
    );

  app.get("/admin/deposits/methods/new", (c) => formPage(c, null));
  app.get("/admin/deposits/methods/:id{[0-9]+}", (c) => formPage(c, idParam(c.req.param("id"), "Payment method")));

  app.post("/admin/deposits/methods", requireCsrf, async (c) => {
    const fields = await readForm(c);
    try {
      await createPaymentMethod(ctxOf(c), parseInput(paymentMethodCreate, methodInput(fields, true)));
      return c.redirect("/admin/deposits/methods?done=created", 303);
    } catch (err) {
      return formPage(c, null, { values: fields, errors: refusalOf(err, WORDS, {}, "admin.methods.error.invalid"), status: 422 });
    }
  });

  app.post("/admin/deposits/methods/:id{[0-9]+}", requireCsrf, async (c) => {
    const id = idParam(c.req.param("id"), "Payment method");
    const fields = await readForm(c);
    try {
      await updatePaymentMethod(ctxOf(c), id, parseInput(paymentMethodUpdate, methodInput(fields, false)));
      return c.redirect("/admin/deposits/methods?done=saved", 303);
    } catch (err) {
      if (err instanceof AppError && err.status === 404) throw err;
      return formPage(c, id, { values: fields, errors: refusalOf(err, WORDS, {}, "admin.methods.error.invalid"), status: 422 });
    }
  });

  app.post("/admin/deposits/methods/:id{[0-9]+}/remove", requireCsrf, async (c) => {
    const done = await removePaymentMethod(ctxOf(c), idParam(c.req.param("id"), "Payment method"));
    return c.redirect(`/admin/deposits/methods?done=${done.deleted ? "deleted" : "deactivated"}`, 303);
  });

  return app;
}
