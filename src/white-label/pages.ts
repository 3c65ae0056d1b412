import { Hono, type Context } from "hono";
import { signedIn } from "../auth/middleware.ts";
import { guarded, platformOnly } from "../http/guard.ts";
import type { Site } from "../db/schema.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { AppError, InsufficientBalance, Validation } from "../core/errors.ts";
import { parseInput } from "../core/validate.ts";
import { requireCsrf } from "../storefront/csrf.ts";
import { displayMoney } from "../storefront/format.ts";
import { pageRequest, render, type PageRequest, type Storefront } from "../storefront/respond.ts";
import type { FormState, PlatformPageId } from "../storefront/view-models.ts";
import { pendingDeposit, verifyDeposit } from "../wallet/deposits.ts";
import { updateBranding } from "./branding.ts";
import { setCustomDomain, verifyCustomDomain } from "./domains.ts";
import { purchaseSite, quotePurchase } from "./purchase.ts";
import { randomUUID } from "node:crypto";
import { runOnceForValue } from "../idempotency/idempotency.ts";
import { hiddenFields, type ConfirmStepView } from "../storefront/confirm-step.ts";
import type { PurchaseInput } from "./schema.ts";
import { brandingSchema, domainSchema, purchaseSchema, siteCurrencySchema } from "./schema.ts";
import { setSiteCurrency } from "./currency.ts";
import { currencyErrors, currencyInput } from "./currency-view.ts";
import { ownedSite } from "./sites.ts";
import { ownerViewLink } from "./owner-view.ts";
import { brandingErrors, depositErrors, domainErrors, methodErrors, purchaseErrors, type Errors } from "./page-errors.ts";
import { createPaymentMethod, removePaymentMethod, updatePaymentMethod } from "../staff/finance/payment-methods.ts";
import { paymentMethodCreate, paymentMethodUpdate } from "../staff/finance/schema.ts";
import { methodsPageData } from "./methods-view.ts";
import { purchaseData, sitePageData, sitesData, type Fmt } from "./pages-view.ts";
import { siteTenantCtx } from "../reseller/scope.ts";
import { siteTicketPages } from "./ticket-pages.ts";
import { siteCustomerPages } from "./customer-pages.ts";
import { sitePricingPages } from "./pricing-pages.ts";
import { siteFigurePages } from "./figures-pages.ts";
import { siteOrderPages } from "./order-pages.ts";
import { siteSubscriptionPages } from "./subscription-pages.ts";
import { siteCataloguePages } from "./catalogue-pages.ts";
import { idParam } from "../core/params.ts";
import { UUID_SEGMENT } from "../lib/uuid.ts";

/** The posted text fields (the CSRF check already parsed the body; Hono keeps it), files apart. */
async function postedForm(c: Context<AppEnv>): Promise<{ fields: Record<string, string>; files: Record<string, File> }> {
  const body = await c.req.parseBody();
  const fields: Record<string, string> = {};
  const files: Record<string, File> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === "_csrf") continue;
    if (typeof v === "string") fields[k] = v.slice(0, 5000);
    else if (v instanceof File) files[k] = v;
  }
  return { fields, files };
}

/** A payment-method form's fields as the JSON API takes them: empty texts clear, an unticked box deactivates. */
function methodInput(fields: Record<string, string>, creating: boolean): Record<string, unknown> {
  const text = (k: string) => fields[k]?.trim() ?? "";
  return {
    ...(creating && { code: text("code") }),
    name: text("name"),
    type: text("type") || "mobile_money",
    account_name: text("account_name"),
    account_number: text("account_number"),
    instructions_fr: text("instructions_fr"),
    instructions_en: text("instructions_en"),
    min_amount: text("min_amount") || "0",
    max_amount: text("max_amount") || null,
    fee_percent: text("fee_percent") || "0",
    fee_fixed: text("fee_fixed") || "0",
    fee_min: text("fee_min") || "0",
    fee_max: text("fee_max") || null,
    is_active: fields.is_active === "1",
  };
}

/** The purchase's confirmation step: plan, cycle, site, price, balance before and after. */
function purchaseConfirmStep(
  q: Awaited<ReturnType<typeof quotePurchase>>,
  input: PurchaseInput,
  fields: Record<string, string>,
  balance: number,
  f: { t: PageRequest["t"]; lang: PageRequest["visit"]["lang"]; sitesDomain: string },
): ConfirmStepView {
  const money = (m: number) => displayMoney(m, q.currency, f.lang);
  return {
    title: f.t("confirm.purchase_title"),
    rows: [
      { label: f.t("confirm.plan"), value: q.plan.name },
      { label: f.t("confirm.cycle"), value: f.t(input.billing_cycle === "yearly" ? "platform.wl.cycle.yearly" : "platform.wl.cycle.monthly") },
      { label: f.t("platform.wl.template_label"), value: q.template.name },
      { label: f.t("confirm.site_name"), value: input.site_name },
      { label: f.t("confirm.slug"), value: `${input.slug}.${f.sitesDomain}` },
      ...(input.custom_domain ? [{ label: f.t("platform.wl.domain_label"), value: input.custom_domain }] : []),
      { label: f.t("confirm.charged"), value: money(q.price), strong: true },
      { label: f.t("confirm.balance_before"), value: money(balance) },
      { label: f.t("confirm.balance_after"), value: money(balance - q.price) },
    ],
    action: "/white-label",
    hidden: hiddenFields(fields),
    confirmLabel: f.t("confirm.purchase_submit", { amount: money(q.price) }),
    backLabel: f.t("confirm.back"),
  };
}

/**
 * The platform's white-label pages, rendered by the storefront engine with the platform theme:
 * `/white-label` (plans, templates, purchase form), `/white-label/sites` (the caller's sites) and
 * `/white-label/sites/:uuid` (domain, branding, margin, deposits to verify, orders, tickets). Every
 * form posts with CSRF to a route that calls the same domain verb as the JSON API, then redirects;
 * an error re-renders the page with translated messages (422).
 */
export function whiteLabelPages(sf: Storefront) {
  const app = new Hono<AppEnv>();
  app.use("/white-label", platformOnly);
  app.use("/white-label/*", platformOnly);
  // The purchase and the caller's sites: signedIn is applied where this part is mounted, below.
  const mine = new Hono<AppEnv>();

  const fmt = (req: PageRequest): Fmt => ({ lang: req.visit.lang, currency: req.look.currency, t: req.t });
  const page = async <D>(c: Context<AppEnv>, id: PlatformPageId, build: (req: PageRequest, f: Fmt) => Promise<{ data: D; heading: string }>, status = 200) => {
    const req = await pageRequest(c, sf);
    const built = await build(req, fmt(req));
    return render(c, req, { id, status, heading: built.heading, title: built.heading }, built.data);
  };

  // ---- Plans, templates and the purchase form ----
  const purchasePage = (c: Context<AppEnv>, state: Partial<FormState> & { confirmStep?: ConfirmStepView }, status = 200) =>
    page(
      c,
      "white-label",
      async (_req, f) => {
        const user = c.get("user");
        const balance = user ? displayMoney(user.balance, f.currency, f.lang) : null;
        return { data: await purchaseData(ctxOf(c), f, state, balance), heading: f.t("platform.wl.title") };
      },
      status,
    );

  app.get("/white-label", (c) => purchasePage(c, {}));

  // Buying takes two steps: plan, price and the balance after are shown, then confirmed under the form's key.
  mine.post("/white-label", requireCsrf, async (c) => {
    const { fields } = await postedForm(c);
    const ctx = ctxOf(c);
    try {
      if (fields.confirm === "edit") return purchasePage(c, { values: fields });
      const { idempotency_key: key = "", confirm, ...form } = fields;
      const input = parseInput(purchaseSchema, form);
      if (confirm !== "yes") {
        const { t, visit } = await pageRequest(c, sf);
        const quote = await quotePurchase(ctx, input);
        const balance = Number(ctx.user?.balance ?? 0);
        if (quote.price > balance) throw new InsufficientBalance();
        const step = purchaseConfirmStep(quote, input, { ...fields, idempotency_key: key || randomUUID() }, balance, {
          t,
          lang: visit.lang,
          sitesDomain: ctx.config.SITES_DOMAIN,
        });
        return purchasePage(c, { values: fields, confirmStep: step });
      }
      const keyed = { scope: `u:${ctx.user!.id}`, key: key.slice(0, 100) || undefined, operation: "page-site-purchase", body: form };
      const { value: uuid } = await runOnceForValue(ctx, keyed, async () => (await purchaseSite(ctx, input)).uuid);
      return c.redirect(`/white-label/sites/${uuid}?done=purchased`, 303);
    } catch (err) {
      const { t } = await pageRequest(c, sf);
      return purchasePage(c, { values: fields, errors: purchaseErrors(err, t) }, 422);
    }
  });

  // ---- The caller's sites ----
  mine.get("/white-label/sites", (c) =>
    page(c, "white-label-sites", async (_req, f) => {
      const n = Number(c.req.query("page"));
      const { data } = await sitesData(ctxOf(c), f, Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1);
      return { data, heading: f.t("platform.wl.sites_title") };
    }),
  );

  // ---- One site's management page and its forms ----
  const sitePage = (c: Context<AppEnv>, site: Site, state: Partial<FormState> & { confirmStep?: ConfirmStepView }, status = 200) =>
    page(
      c,
      "white-label-site",
      async (_req, f) => ({
        data: { ...(await sitePageData(ctxOf(c), site, f, state, c.req.query("done"))), confirmStep: state.confirmStep ?? null },
        heading: site.name,
      }),
      status,
    );

  mine.get(`/white-label/sites/:uuid{${UUID_SEGMENT}}`, async (c) => sitePage(c, await ownedSite(ctxOf(c), c.req.param("uuid")), {}));
  // The owner's way onto the site itself, where it sees the owner's bar (owner-view.ts).
  mine.get(`/white-label/sites/:uuid{${UUID_SEGMENT}}/visit`, async (c) => {
    const ctx = ctxOf(c);
    const site = await ownedSite(ctx, c.req.param("uuid"));
    c.header("cache-control", "private, no-store");
    return c.redirect(ownerViewLink(ctx.config, ctx.clock, site), 303);
  });

  const methodsPage = (c: Context<AppEnv>, site: Site, state: Partial<FormState>, status = 200) =>
    page(
      c,
      "white-label-site-methods",
      async (_req, f) => ({
        data: await methodsPageData(ctxOf(c), site, f, state, c.req.query("done")),
        heading: `${site.name} · ${f.t("platform.wl.pm.title")}`,
      }),
      status,
    );

  mine.get(`/white-label/sites/:uuid{${UUID_SEGMENT}}/payment-methods`, async (c) => methodsPage(c, await ownedSite(ctxOf(c), c.req.param("uuid")), {}));

  /**
   * A site form: the caller's own site (404 otherwise), CSRF, the verb, then back to the page (or its
   * `tab` sub-page) with a notice or the errors.
   */
  const siteForm = (
    path: string,
    run: (ctx: ReturnType<typeof ctxOf>, site: Site, form: Awaited<ReturnType<typeof postedForm>>, c: Context<AppEnv>) => Promise<string | Response>,
    errors: Errors,
    tab?: "payment-methods",
  ) =>
    mine.post(`/white-label/sites/:uuid{${UUID_SEGMENT}}${path}`, requireCsrf, async (c) => {
      const ctx = ctxOf(c);
      const site = await ownedSite(ctx, c.req.param("uuid"));
      const form = await postedForm(c);
      try {
        const done = await run(ctx, site, form, c);
        if (typeof done !== "string") return done;
        return c.redirect(`/white-label/sites/${site.uuid}${tab ? `/${tab}` : ""}?done=${done}`, 303);
      } catch (err) {
        const { t } = await pageRequest(c, sf);
        const fresh = await ownedSite(ctx, site.uuid);
        const status = err instanceof AppError && err.status === 409 ? 409 : 422;
        const state = { values: form.fields, errors: errors(err, t) };
        return tab ? methodsPage(c, fresh, state, status) : sitePage(c, fresh, state, status);
      }
    });

  siteForm(
    "/domain",
    async (ctx, site, { fields }) => {
      await setCustomDomain(ctx, site, parseInput(domainSchema, { custom_domain: fields.custom_domain?.trim() || null }).custom_domain);
      return "domain";
    },
    domainErrors,
  );

  siteForm(
    "/domain/verify",
    async (ctx, site) => {
      await verifyCustomDomain(ctx, site);
      return "domain_verified";
    },
    domainErrors,
  );

  siteForm(
    "/branding",
    async (ctx, site, { fields, files }) => {
      const input = parseInput(brandingSchema, {
        name: fields.name,
        tagline: fields.tagline?.trim() ? fields.tagline : null,
        language: fields.language,
        ...(fields.primary_color && { primary_color: fields.primary_color }),
        ...(fields.accent_color && { accent_color: fields.accent_color }),
        ...(fields.remove_logo === "1" && { remove_logo: true }),
      });
      // A browser form with no file chosen sends an empty, nameless part: no new logo.
      const logo = files.logo && files.logo.size > 0 ? files.logo : undefined;
      await updateBranding(ctx, site, input, logo);
      return "branding";
    },
    brandingErrors,
  );

  siteForm(
    "/currency",
    async (ctx, site, { fields }) => {
      await setSiteCurrency(ctx, site, parseInput(siteCurrencySchema, currencyInput(fields)));
      return "currency";
    },
    currencyErrors,
  );

  siteForm(
    "/deposits/:id",
    async (ctx, site, { fields }, c) => {
      const action = fields.action === "approve" || fields.action === "reject" ? fields.action : null;
      if (!action) throw new Validation({ action: ["Approve or reject"] });
      const id = idParam(c.req.param("id"), "Deposit");
      const siteCtx = siteTenantCtx(ctx, site);
      // A refusal's note is shown to the customer (deposit history and notification).
      const note = (fields.note ?? "").trim().slice(0, 500);
      if (action === "reject") {
        await verifyDeposit(siteCtx, id, { action, note: note || undefined });
        return "rejected";
      }
      // Approving credits the customer: shown first (amount sent, fee, credited), then confirmed once under the step's key.
      if (fields.confirm === "edit") return sitePage(c, site, {});
      if (fields.confirm !== "yes") {
        const { t, visit } = await pageRequest(c, sf);
        const dep = await pendingDeposit(siteCtx, id);
        const money = (m: number) => displayMoney(m, site.currency, visit.lang);
        const confirmStep: ConfirmStepView = {
          title: t("confirm.deposit_title"),
          text: t("confirm.deposit_text"),
          rows: [
            { label: t("confirm.customer"), value: dep.customer },
            { label: t("confirm.sent"), value: money(dep.amount + dep.fee) },
            { label: t("confirm.fee"), value: money(dep.fee) },
            { label: t("confirm.credited"), value: money(dep.amount), strong: true },
            { label: t("confirm.reference"), value: dep.reference ?? "—" },
          ],
          action: `/white-label/sites/${site.uuid}/deposits/${id}`,
          hidden: hiddenFields({ action: "approve", idempotency_key: randomUUID() }),
          confirmLabel: t("confirm.deposit_submit", { amount: money(dep.amount) }),
          backLabel: t("confirm.back"),
        };
        return sitePage(c, site, { confirmStep });
      }
      const keyed = {
        scope: `u:${ctx.user!.id}`,
        key: (fields.idempotency_key ?? "").slice(0, 100) || undefined,
        operation: "page-site-deposit-approve",
        body: { site: site.uuid, deposit: id },
      };
      const done = await runOnceForValue(ctx, keyed, async () => {
        await verifyDeposit(siteCtx, id, { action });
        return "approved";
      });
      return done.value;
    },
    depositErrors,
  );

  // ---- The site's deposit methods: the same verbs as /api/white-label/sites/{uuid}/payment-methods ----
  siteForm(
    "/payment-methods",
    async (ctx, site, { fields }) => {
      await createPaymentMethod(siteTenantCtx(ctx, site), parseInput(paymentMethodCreate, methodInput(fields, true)));
      return "method_added";
    },
    methodErrors,
    "payment-methods",
  );

  siteForm(
    `/payment-methods/:id{[0-9]{1,12}}`,
    async (ctx, site, { fields }, c) => {
      const id = idParam(c.req.param("id"), "Payment method");
      await updatePaymentMethod(siteTenantCtx(ctx, site), id, parseInput(paymentMethodUpdate, methodInput(fields, false)));
      return "method_saved";
    },
    methodErrors,
    "payment-methods",
  );

  siteForm(
    `/payment-methods/:id{[0-9]{1,12}}/active`,
    async (ctx, site, { fields }, c) => {
      const id = idParam(c.req.param("id"), "Payment method");
      const on = fields.active === "1";
      await updatePaymentMethod(siteTenantCtx(ctx, site), id, parseInput(paymentMethodUpdate, { is_active: on }));
      return on ? "method_enabled" : "method_disabled";
    },
    methodErrors,
    "payment-methods",
  );

  siteForm(
    `/payment-methods/:id{[0-9]{1,12}}/remove`,
    async (ctx, site, _form, c) => {
      const done = await removePaymentMethod(siteTenantCtx(ctx, site), idParam(c.req.param("id"), "Payment method"));
      return done.deleted ? "method_deleted" : "method_deactivated";
    },
    methodErrors,
    "payment-methods",
  );
  mine.route("/", siteTicketPages(sf));
  mine.route("/", siteCustomerPages(sf));
  mine.route("/", sitePricingPages(sf));
  mine.route("/", siteFigurePages(sf));
  mine.route("/", siteOrderPages(sf));
  mine.route("/", siteSubscriptionPages(sf));
  mine.route("/", siteCataloguePages(sf));

  return app.route("/", guarded(signedIn, mine));
}
