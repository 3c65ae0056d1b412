import { Hono, type Context } from "hono";
import { signedIn } from "../auth/middleware.ts";
import { guarded, platformOnly } from "../http/guard.ts";
import type { Site } from "../db/schema.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { AppError } from "../core/errors.ts";
import { idParam } from "../core/params.ts";
import { parseInput } from "../core/validate.ts";
import { UUID_SEGMENT } from "../lib/uuid.ts";
import { siteTenantCtx } from "../reseller/scope.ts";
import { requireCsrf } from "../storefront/csrf.ts";
import { pageRequest, render, type Storefront } from "../storefront/respond.ts";
import type { FormState } from "../storefront/view-models.ts";
import { paginationView } from "../storefront/view.ts";
import { ownedSite } from "../white-label/sites.ts";
import { connectGatewayAccount, removeGatewayAccount, testGatewayAccount, updateGatewayAccount } from "./manage-accounts.ts";
import { gatewayPaymentDetail, listGatewayPayments } from "./payment-list.ts";
import { gatewayPaymentPage, gatewayPaymentRow, statusOptions } from "./payment-page-view.ts";
import { gatewayAccountCreate, gatewayAccountUpdate, gatewayPaymentsQuery } from "./schema.ts";
import { accountErrors, accountInput, accountsPageData, type TestResult } from "./site-pages-view.ts";

const SITE = `/white-label/sites/:uuid{${UUID_SEGMENT}}`;
const PER_PAGE = 20;

async function postedFields(c: Context<AppEnv>): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(await c.req.parseBody())) if (k !== "_csrf" && typeof v === "string") fields[k] = v.slice(0, 500);
  return fields;
}

/**
 * A reseller's automatic payments, on the platform's white-label pages for its own site (404 for anyone
 * else): `/gateways` connects, edits (credentials write-only), tests, switches and removes the site's own
 * gateway accounts — its customers then pay the site directly —, `/gateway-payments` lists the site's
 * payments and one with its notifications. The same verbs as `/api/white-label/sites/{uuid}/gateway-…`.
 */
export function siteGatewayPages(sf: Storefront) {
  const app = new Hono<AppEnv>();

  const accountsPage = async (c: Context<AppEnv>, site: Site, state: Partial<FormState>, status = 200, tested: TestResult | null = null) => {
    const req = await pageRequest(c, sf);
    const data = await accountsPageData(siteTenantCtx(ctxOf(c), site), site, req, state, c.req.query("done"), tested);
    const heading = `${site.name} · ${req.t("platform.wl.gw.title")}`;
    return render(c, req, { id: "white-label-site-gateways", status, heading, title: heading }, data);
  };

  app.get(`${SITE}/gateways`, async (c) => accountsPage(c, await ownedSite(ctxOf(c), c.req.param("uuid")), {}));

  const form = (path: string, run: (ctx: ReturnType<typeof ctxOf>, fields: Record<string, string>, c: Context<AppEnv>) => Promise<string | TestResult>) =>
    app.post(`${SITE}/gateways${path}`, requireCsrf, async (c) => {
      const site = await ownedSite(ctxOf(c), c.req.param("uuid") ?? "");
      const ctx = siteTenantCtx(ctxOf(c), site);
      const fields = await postedFields(c);
      try {
        const done = await run(ctx, fields, c);
        if (typeof done !== "string") return accountsPage(c, site, {}, 200, done);
        return c.redirect(`/white-label/sites/${site.uuid}/gateways?done=${done}`, 303);
      } catch (err) {
        const { t } = await pageRequest(c, sf);
        const status = err instanceof AppError && err.status === 409 ? 409 : 422;
        return accountsPage(c, site, { values: fields, errors: accountErrors(err, t, fields) }, status);
      }
    });

  form("", async (ctx, fields) => {
    await connectGatewayAccount(ctx, parseInput(gatewayAccountCreate, accountInput(fields, true)));
    return "connected";
  });
  form("/:id{[0-9]{1,12}}", async (ctx, fields, c) => {
    await updateGatewayAccount(ctx, idParam(c.req.param("id"), "Gateway account"), parseInput(gatewayAccountUpdate, accountInput(fields, false)));
    return "saved";
  });
  form("/:id{[0-9]{1,12}}/active", async (ctx, fields, c) => {
    const on = fields.active === "1";
    await updateGatewayAccount(ctx, idParam(c.req.param("id"), "Gateway account"), { is_active: on });
    return on ? "enabled" : "disabled";
  });
  form("/:id{[0-9]{1,12}}/remove", async (ctx, _fields, c) => {
    const done = await removeGatewayAccount(ctx, idParam(c.req.param("id"), "Gateway account"));
    return done.deleted ? "removed" : "deactivated";
  });
  form("/:id{[0-9]{1,12}}/test", async (ctx, _fields, c) => {
    const id = idParam(c.req.param("id"), "Gateway account");
    return { id, ...(await testGatewayAccount(ctx, id)) };
  });

  app.get(`${SITE}/gateway-payments`, async (c) => {
    const site = await ownedSite(ctxOf(c), c.req.param("uuid"));
    const req = await pageRequest(c, sf);
    const { t, visit } = req;
    const typed = { status: (c.req.query("status") ?? "").trim().slice(0, 30), search: (c.req.query("search") ?? "").trim().slice(0, 100) };
    const n = Number(c.req.query("page"));
    const pageNo = Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
    const asked = gatewayPaymentsQuery.safeParse({
      page: String(pageNo),
      per_page: String(PER_PAGE),
      ...Object.fromEntries(Object.entries(typed).filter(([, v]) => v !== "")),
    });
    const errors: Record<string, string> = {};
    if (!asked.success) for (const issue of asked.error.issues) errors[String(issue.path[0] ?? "search")] = t("form.error.field_invalid");
    const page = asked.success ? await listGatewayPayments(siteTenantCtx(ctxOf(c), site), asked.data) : null;
    const base = `/white-label/sites/${site.uuid}/gateway-payments`;
    const kept = new URLSearchParams(Object.entries(typed).filter(([, v]) => v !== ""));
    const data = {
      siteHref: `/white-label/sites/${site.uuid}`,
      action: base,
      values: typed,
      errors,
      statuses: statusOptions(t, typed.status),
      total: page?.total ?? 0,
      payments: (page?.rows ?? []).map((p) => gatewayPaymentRow(p, `${base}/${p.uuid}`, { lang: visit.lang, t })),
      pagination: page ? paginationView(page.page, Math.max(1, Math.ceil(page.total / page.per_page)), base, kept) : null,
    };
    const heading = `${site.name} · ${t("platform.gwpay.title")}`;
    return render(c, req, { id: "white-label-site-gateway-payments", heading, title: heading, status: asked.success ? 200 : 422 }, data);
  });

  app.get(`${SITE}/gateway-payments/:payment{${UUID_SEGMENT}}`, async (c) => {
    const site = await ownedSite(ctxOf(c), c.req.param("uuid"));
    const req = await pageRequest(c, sf);
    const p = await gatewayPaymentDetail(siteTenantCtx(ctxOf(c), site), c.req.param("payment"));
    const data = {
      siteHref: `/white-label/sites/${site.uuid}`,
      listHref: `/white-label/sites/${site.uuid}/gateway-payments`,
      payment: gatewayPaymentPage(p, { lang: req.visit.lang, t: req.t }, { deposit: null, user: `/white-label/sites/${site.uuid}/customers/${p.user_id}` }),
    };
    const heading = req.t("platform.gwpay.payment_title", { ref: p.uuid.slice(0, 8) });
    return render(c, req, { id: "white-label-site-gateway-payment", heading, title: heading }, data);
  });

  const outer = new Hono<AppEnv>();
  outer.use("/white-label/sites/*", platformOnly);
  return outer.route("/", guarded(signedIn, app));
}
