import { Hono, type Context } from "hono";
import { NotFound } from "../core/errors.ts";
import { idParam } from "../core/params.ts";
import { parseInput } from "../core/validate.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { formatMoney, parseMoney } from "../money/money.ts";
import { requireCsrf } from "../storefront/csrf.ts";
import { displayMoney, displayNumber } from "../storefront/format.ts";
import type { Storefront } from "../storefront/respond.ts";
import { listPlansForAdmin, listTemplatesForAdmin, updatePlan } from "../white-label/admin.ts";
import { createPlan, createTemplate, templateForAdmin, themesWithoutTemplate, updateTemplate } from "../white-label/admin-manage.ts";
import { planCreateSchema, planUpdateSchema, templateCreateSchema, templateUpdateSchema } from "../white-label/schema.ts";
import { consolePage, type ConsoleFormat } from "./frame.ts";
import { whiteLabelTabs } from "./white-label.ts";
import { carried, formFields, formWhole, refusedFields, translatedErrors, type Confirmation, type Errors, type Fields } from "./white-label-forms.ts";

type PlanView = Awaited<ReturnType<typeof listPlansForAdmin>>[number];

const PLAN_WORDS: Partial<Record<string, MessageKey>> = {
  slug: "admin.wl.error.slug",
  name: "admin.wl.error.name",
  description: "admin.wl.error.description",
  price_monthly: "admin.wl.error.price",
  price_yearly: "admin.wl.error.price",
  max_customers: "admin.wl.error.max_customers",
  features: "admin.wl.error.features",
  sort_order: "admin.wl.error.sort_order",
};

/** The plan form's text as the admin API's input: booleans from checkboxes, features one per line. */
function planInput(fields: Fields) {
  return {
    name: fields.name ?? "",
    description: (fields.description ?? "").trim() || null,
    price_monthly: fields.price_monthly ?? "",
    price_yearly: fields.price_yearly ?? "",
    max_customers: formWhole(fields.max_customers),
    allows_custom_domain: fields.allows_custom_domain === "1",
    customer_api: fields.customer_api === "1",
    features: (fields.features ?? "")
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean),
    is_active: fields.is_active === "1",
    sort_order: formWhole(fields.sort_order) ?? 0,
  };
}

/** A stored price as a person types it: "5000", "12.5" (no trailing zeros). */
const asTyped = (decimal: string) => formatMoney(parseMoney(decimal) ?? 0, 0);

/** What the form shows for a stored plan (prices in the currency's units, as typed). */
const planFields = (p: PlanView): Fields => ({
  slug: p.slug,
  name: p.name,
  description: p.description ?? "",
  price_monthly: asTyped(p.price_monthly),
  price_yearly: asTyped(p.price_yearly),
  max_customers: p.max_customers == null ? "" : String(p.max_customers),
  allows_custom_domain: p.allows_custom_domain ? "1" : "",
  customer_api: p.customer_api ? "1" : "",
  features: p.features.join("\n"),
  is_active: p.is_active ? "1" : "",
  sort_order: String(p.sort_order),
});

const money = (f: ConsoleFormat, decimal: string) => displayMoney(parseMoney(decimal) ?? 0, f.currency, f.lang);

/** Plans and templates of the White label section: list, create and edit plans (price changes confirmed), edit templates. */
export function whiteLabelPlanPages(sf: Storefront) {
  const app = new Hono<AppEnv>();

  const plansPage = (c: Context<AppEnv>, state: { values?: Fields; errors?: Errors; status?: number } = {}) =>
    consolePage(c, sf, { id: "admin-wl-plans", section: "white-label", heading: "admin.wl.plans_title", status: state.status }, async (f) => {
      const ctx = ctxOf(c);
      const [plans, templates, themes] = await Promise.all([listPlansForAdmin(ctx), listTemplatesForAdmin(ctx), themesWithoutTemplate(ctx)]);
      const done = c.req.query("done");
      const chosen = state.values?.slug ?? "";
      return {
        tabs: whiteLabelTabs(f, "plans"),
        done: done === "plan_saved" || done === "template_saved" ? f.tx(`admin.wl.done.${done}`) : null,
        plans: plans.map((p) => ({
          id: p.id,
          name: p.name,
          slug: p.slug,
          active: p.is_active,
          prices: `${money(f, p.price_monthly)} / ${f.tx("admin.wl.monthly")} · ${money(f, p.price_yearly)} / ${f.tx("admin.wl.yearly")}`,
          limits: `${p.max_customers == null ? f.tx("admin.wl.unlimited") : f.tx("admin.wl.max_customers_n", { count: displayNumber(p.max_customers, f.lang) })} · ${f.tx(p.allows_custom_domain ? "admin.wl.domain_allowed" : "admin.wl.domain_not_allowed")} · ${f.tx(p.customer_api ? "admin.wl.api_allowed" : "admin.wl.api_not_allowed")}`,
        })),
        templates: templates.map((t) => ({ id: t.id, name: t.name, slug: t.slug, description: t.description ?? "", active: t.is_active })),
        themes: themes.map((t) => ({ value: t.slug, label: `${t.name} (${t.slug})`, selected: t.slug === chosen })),
        values: state.values ?? { is_active: "1", sort_order: "0" },
        errors: translatedErrors(f, state.errors),
      };
    });

  app.get("/admin/white-label/plans", (c) => plansPage(c));

  app.post("/admin/white-label/templates", requireCsrf, async (c) => {
    const fields = await formFields(c);
    try {
      const input = parseInput(templateCreateSchema, {
        slug: fields.slug ?? "",
        name: fields.name ?? "",
        description: (fields.description ?? "").trim() || null,
        is_active: fields.is_active === "1",
        sort_order: formWhole(fields.sort_order) ?? 0,
      });
      await createTemplate(ctxOf(c), input);
      return c.redirect("/admin/white-label/plans?done=template_saved", 303);
    } catch (err) {
      return plansPage(c, { values: fields, errors: refusedFields(err, { ...PLAN_WORDS, slug: "admin.wl.error.theme" }), status: 422 });
    }
  });

  const planPage = (c: Context<AppEnv>, id: number | null, state: { values?: Fields; errors?: Errors; status?: number } = {}) =>
    consolePage(
      c,
      sf,
      { id: "admin-wl-plan", section: "white-label", heading: id ? "admin.wl.plan_edit" : "admin.wl.plan_new", status: state.status },
      async (f) => {
        const plan = id ? (await listPlansForAdmin(ctxOf(c))).find((p) => p.id === id) : undefined;
        if (id && !plan) throw new NotFound("Plan not found");
        return {
          tabs: whiteLabelTabs(f, "plans"),
          action: id ? `/admin/white-label/plans/${id}` : "/admin/white-label/plans",
          editing: Boolean(id),
          currency: f.currency,
          values: state.values ?? (plan ? planFields(plan) : { is_active: "1", allows_custom_domain: "1", customer_api: "1", sort_order: "0" }),
          errors: translatedErrors(f, state.errors),
        };
      },
    );

  type Prices = { price_monthly: number; price_yearly: number };
  const confirmPlan = (c: Context<AppEnv>, fields: Fields, prices: Prices, action: string, before: PlanView | undefined) =>
    consolePage(c, sf, { id: "admin-wl-confirm", section: "white-label", heading: "admin.wl.confirm_title" }, async (f): Promise<Confirmation> => {
      const line = (label: MessageKey, key: "price_monthly" | "price_yearly") => ({
        label: f.tx(label),
        value: `${before ? `${money(f, before[key])} → ` : ""}${displayMoney(prices[key], f.currency, f.lang)}`,
      });
      return {
        title: f.tx(before ? "admin.wl.price_confirm" : "admin.wl.plan_confirm", { plan: fields.name ?? "" }),
        lines: [line("admin.wl.price_monthly", "price_monthly"), line("admin.wl.price_yearly", "price_yearly")],
        consequence: f.tx("admin.wl.price_consequence"),
        action,
        fields: carried(fields),
        submit: f.tx(before ? "admin.wl.price_submit" : "admin.wl.plan_create"),
        back: before ? `/admin/white-label/plans/${before.id}` : "/admin/white-label/plans",
      };
    });

  app.get("/admin/white-label/plans/new", (c) => planPage(c, null));
  app.post("/admin/white-label/plans", requireCsrf, async (c) => {
    const fields = await formFields(c);
    try {
      const input = parseInput(planCreateSchema, { ...planInput(fields), slug: fields.slug ?? "" });
      if (fields.confirm !== "1") return confirmPlan(c, fields, input, "/admin/white-label/plans", undefined);
      await createPlan(ctxOf(c), input);
      return c.redirect("/admin/white-label/plans?done=plan_saved", 303);
    } catch (err) {
      return planPage(c, null, { values: fields, errors: refusedFields(err, PLAN_WORDS), status: 422 });
    }
  });

  const planPath = "/admin/white-label/plans/:id{[0-9]+}";
  app.get(planPath, (c) => planPage(c, idParam(c.req.param("id"), "Plan")));
  app.post(planPath, requireCsrf, async (c) => {
    const id = idParam(c.req.param("id"), "Plan");
    const ctx = ctxOf(c);
    const before = (await listPlansForAdmin(ctx)).find((p) => p.id === id);
    if (!before) throw new NotFound("Plan not found");
    const fields = await formFields(c);
    try {
      const input = parseInput(planUpdateSchema, planInput(fields));
      const repriced = input.price_monthly !== parseMoney(before.price_monthly) || input.price_yearly !== parseMoney(before.price_yearly);
      if (repriced && fields.confirm !== "1") {
        const prices = { price_monthly: input.price_monthly ?? 0, price_yearly: input.price_yearly ?? 0 };
        return confirmPlan(c, fields, prices, `/admin/white-label/plans/${id}`, before);
      }
      await updatePlan(ctx, id, input);
      return c.redirect("/admin/white-label/plans?done=plan_saved", 303);
    } catch (err) {
      return planPage(c, id, { values: { ...fields, slug: before.slug }, errors: refusedFields(err, PLAN_WORDS), status: 422 });
    }
  });

  app.post(`${planPath}/active`, requireCsrf, async (c) => {
    const fields = await formFields(c);
    await updatePlan(ctxOf(c), idParam(c.req.param("id"), "Plan"), { is_active: fields.is_active === "1" });
    return c.redirect("/admin/white-label/plans?done=plan_saved", 303);
  });

  const templatePage = (c: Context<AppEnv>, id: number, state: { values?: Fields; errors?: Errors; status?: number } = {}) =>
    consolePage(c, sf, { id: "admin-wl-template", section: "white-label", heading: "admin.wl.template_edit", status: state.status }, async (f) => {
      const t = await templateForAdmin(ctxOf(c), id);
      return {
        tabs: whiteLabelTabs(f, "plans"),
        action: `/admin/white-label/templates/${id}`,
        slug: t.slug,
        values: state.values ?? { name: t.name, description: t.description ?? "", is_active: t.is_active ? "1" : "", sort_order: String(t.sort_order) },
        errors: translatedErrors(f, state.errors),
      };
    });

  const templatePath = "/admin/white-label/templates/:id{[0-9]+}";
  app.get(templatePath, (c) => templatePage(c, idParam(c.req.param("id"), "Template")));
  app.post(templatePath, requireCsrf, async (c) => {
    const id = idParam(c.req.param("id"), "Template");
    await templateForAdmin(ctxOf(c), id);
    const fields = await formFields(c);
    try {
      const input = parseInput(templateUpdateSchema, {
        name: fields.name ?? "",
        description: (fields.description ?? "").trim() || null,
        is_active: fields.is_active === "1",
        sort_order: formWhole(fields.sort_order) ?? 0,
      });
      await updateTemplate(ctxOf(c), id, input);
      return c.redirect("/admin/white-label/plans?done=template_saved", 303);
    } catch (err) {
      return templatePage(c, id, { values: fields, errors: refusedFields(err, PLAN_WORDS), status: 422 });
    }
  });

  app.post(`${templatePath}/active`, requireCsrf, async (c) => {
    const fields = await formFields(c);
    await updateTemplate(ctxOf(c), idParam(c.req.param("id"), "Template"), { is_active: fields.is_active === "1" });
    return c.redirect("/admin/white-label/plans?done=template_saved", 303);
  });

  return app;
}
