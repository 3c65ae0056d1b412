import { Hono, type Context } from "hono";
import type { Site } from "../db/schema.ts";
import type { AppEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { AppError, NotFound, Validation } from "../core/errors.ts";
import { parseInput } from "../core/validate.ts";
import { UUID_SEGMENT } from "../lib/uuid.ts";
import { requireCsrf } from "../storefront/csrf.ts";
import { pageRequest, render, type Storefront } from "../storefront/respond.ts";
import type { Translate } from "../storefront/view-models.ts";
import { previewPricing, updatePricing } from "./pricing.ts";
import {
  describeChange,
  filterQuery,
  pricingPageData,
  previewPageData,
  readFilters,
  type PricingFilters,
  type PricingChange as Change,
  type PricingFormState,
  type RuleKind,
} from "./pricing-view.ts";
import { pricingSchema, type PricingInput } from "./schema.ts";
import { ownedSite } from "./sites.ts";

const KINDS: Record<Change["scope"], RuleKind[]> = {
  default: ["margin"],
  category: ["inherit", "margin", "hidden"],
  service: ["inherit", "margin", "fixed", "hidden"],
};

const formKey = (c: Pick<Change, "scope" | "target">) => (c.scope === "default" ? "default" : `${c.scope}-${c.target}`);

/** The change a form posted; a scope, target or kind the forms never send is a 422. */
function readChange(fields: Record<string, string>): Change {
  const scope = fields.scope as Change["scope"];
  if (!Object.hasOwn(KINDS, scope)) throw new Validation({ scope: ["Unknown scope"] });
  const target = scope === "default" ? 0 : Number(fields.target);
  if (!Number.isSafeInteger(target) || target < 0 || (scope !== "default" && target === 0)) throw new Validation({ target: ["Unknown target"] });
  const kind = (fields.kind ?? "margin") as RuleKind;
  if (!KINDS[scope].includes(kind)) throw new Validation({ kind: ["Unknown rule kind"] });
  return { scope, target, kind, value: (fields.value ?? "").trim().slice(0, 30) };
}

/** The change as the pricing update takes it (the JSON API's body), validated by its schema. */
function changeInput(c: Change): PricingInput {
  if (c.scope === "default") return parseInput(pricingSchema, { default_margin: c.value });
  const rule = c.kind === "margin" ? { margin: c.value } : c.kind === "fixed" ? { fixed_rate: c.value } : c.kind === "hidden" ? { hidden: true } : {};
  const list = c.scope === "category" ? { categories: [{ category_id: c.target, ...rule }] } : { services: [{ service_id: c.target, ...rule }] };
  return parseInput(pricingSchema, list);
}

/** The form's refusal in the page's language, under the field in error; anything but a user error goes to the error page. */
function changeErrors(err: unknown, change: Change | null, t: Translate): Record<string, string[]> {
  if (!(err instanceof AppError) || err instanceof NotFound || err.status !== 422) throw err;
  const details = err.details && typeof err.details === "object" ? Object.keys(err.details as object) : [];
  if (!change || details.some((k) => k.endsWith("_id"))) return { _: [t("platform.wl.pr.error.target")] };
  const message = t(change.kind === "fixed" ? "platform.wl.pr.error.fixed" : "platform.wl.pr.error.margin");
  return { _: [message], value: [message] };
}

/**
 * A reseller's pricing for one of their sites, `/white-label/sites/:uuid/pricing`: the default margin,
 * each category's and service's rule with cost → price, a preview of any change (POST …/preview) and
 * only then the save (POST …/confirm, updatePricing, the JSON API's verb). Works without JavaScript.
 */
export function sitePricingPages(sf: Storefront) {
  const app = new Hono<AppEnv>();
  const base = `/white-label/sites/:uuid{${UUID_SEGMENT}}/pricing`;
  const DONE = ["saved"];

  const pricingPage = async (c: Context<AppEnv>, site: Site, filters: PricingFilters, state?: PricingFormState, status = 200) => {
    const req = await pageRequest(c, sf);
    const data = await pricingPageData(ctxOf(c), site, req.visit.lang, req.t, filters, state);
    const done = c.req.query("done");
    const heading = req.t("platform.wl.pr.title", { site: site.name });
    return render(
      c,
      req,
      { id: "white-label-site-pricing", status, heading, title: heading },
      {
        ...data,
        notice: done && DONE.includes(done) ? req.t(`platform.wl.pr.done.${done}`) : null,
      },
    );
  };

  app.get(base, async (c) =>
    pricingPage(
      c,
      await ownedSite(ctxOf(c), c.req.param("uuid")),
      readFilters((k) => c.req.query(k)),
    ),
  );

  /** A posted change: the caller's own site (404 otherwise), CSRF, the change read and validated, then `run`, or the page with the errors kept (422). */
  const changeForm = (
    path: string,
    run: (c: Context<AppEnv>, site: Site, change: Change, input: PricingInput, fields: Record<string, string>, filters: PricingFilters) => Promise<Response>,
  ) =>
    app.post(`${base}${path}`, requireCsrf, async (c) => {
      const site = await ownedSite(ctxOf(c), c.req.param("uuid"));
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(await c.req.parseBody())) if (k !== "_csrf" && typeof v === "string") fields[k] = v.slice(0, 200);
      const filters = readFilters((k) => fields[`f_${k}`]);
      let change: Change | null = null;
      try {
        change = readChange(fields);
        return await run(c, site, change, changeInput(change), fields, filters);
      } catch (err) {
        const { t } = await pageRequest(c, sf);
        const errors = changeErrors(err, change, t);
        const form = change ? formKey(change) : "";
        return pricingPage(
          c,
          await ownedSite(ctxOf(c), site.uuid),
          filters,
          { form, values: { kind: change?.kind ?? "", value: fields.value ?? "" }, errors },
          422,
        );
      }
    });

  changeForm("/preview", async (c, site, change, input, fields, filters) => {
    const ctx = ctxOf(c);
    const preview = await previewPricing(ctx, site, input);
    const req = await pageRequest(c, sf);
    const { lang } = req.visit;
    const description = await describeChange(ctx, site, lang, req.t, change);
    const changeFields = [
      { name: "scope", value: change.scope },
      { name: "target", value: String(change.target) },
      { name: "kind", value: change.kind },
      { name: "value", value: change.value },
    ];
    const data = previewPageData(site, lang, req.t, preview, { description, fields: changeFields }, filters, Number(fields.ppage) || 1);
    const heading = req.t("platform.wl.pr.preview_title", { site: site.name });
    return render(c, req, { id: "white-label-site-pricing-preview", heading, title: heading }, data);
  });

  changeForm("/confirm", async (c, site, _change, input, _fields, filters) => {
    await updatePricing(ctxOf(c), site, input);
    const q = filterQuery(filters);
    q.set("done", "saved");
    return c.redirect(`/white-label/sites/${site.uuid}/pricing?${q}`, 303);
  });

  return app;
}
