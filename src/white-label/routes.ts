import { Hono, type Context } from "hono";
import type { AppEnv, AuthedEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { fieldError } from "../core/errors.ts";
import { pageEnvelope } from "../core/pagination.ts";
import { parseInput } from "../core/validate.ts";
import { readBody, validBody, validQuery } from "../http/body.ts";
import { idempotent } from "../idempotency/idempotency.ts";
import { updateBranding } from "./branding.ts";
import { setSiteCurrency, siteCurrency } from "./currency.ts";
import { siteCurrencyView } from "./currency-view.ts";
import { listActivePlans, listActiveTemplates } from "./catalog.ts";
import { setCustomDomain, verifyCustomDomain } from "./domains.ts";
import { previewPricing, previewView, samplePrices, updatePricing } from "./pricing.ts";
import { purchaseSite } from "./purchase.ts";
import { renewNow } from "./renewals.ts";
import { brandingSchema, domainSchema, listQuery, pricingSchema, purchaseSchema, siteCurrencySchema } from "./schema.ts";
import { listMySites, ownedSite, pricingSummary, siteDetails } from "./sites.ts";
import { subscriptionRoutes } from "./subscription-routes.ts";

const NULLABLE_TEXT = ["tagline", "primary_color", "accent_color", "footer_text"];
const JSON_FIELDS = ["contact", "settings"];

/**
 * Multipart branding: text fields as strings ("" clears a field), `contact` and `settings` as
 * JSON text, `remove_logo` as true/1, and the image in the `logo` file field.
 */
function brandingFromForm(form: Record<string, unknown>): { fields: Record<string, unknown>; logo: unknown } {
  const { logo, ...rest } = form;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (Array.isArray(value) || value instanceof File) throw fieldError(key, "Must be a single text value");
    const text = String(value);
    if (NULLABLE_TEXT.includes(key)) fields[key] = text.trim() === "" ? null : text;
    else if (JSON_FIELDS.includes(key)) {
      if (text.trim() === "") fields[key] = null;
      else {
        try {
          fields[key] = JSON.parse(text);
        } catch {
          throw fieldError(key, "Must be a JSON object");
        }
      }
    } else if (key === "remove_logo") fields[key] = text === "true" || text === "1";
    else fields[key] = text;
  }
  if (Array.isArray(logo)) throw fieldError("logo", "Send one logo file");
  // A browser form with no file chosen sends an empty, nameless part: no new logo.
  const none = logo === undefined || logo === "" || (logo instanceof File && logo.size === 0 && logo.name === "");
  return { fields, logo: none ? undefined : logo };
}

async function brandingInput(c: Context<AuthedEnv>) {
  const multipart = (c.req.header("content-type") ?? "").toLowerCase().includes("multipart/form-data");
  const body = await readBody(c);
  if (!multipart) return { input: parseInput(brandingSchema, body), logo: undefined };
  const { fields, logo } = brandingFromForm(body);
  return { input: parseInput(brandingSchema, fields), logo };
}

/** What anyone may read before buying: the plans and the templates. */
export function whiteLabelPublicRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/plans", async (c) => c.json({ data: await listActivePlans(ctxOf(c)) }));
  app.get("/templates", async (c) => c.json({ data: await listActiveTemplates(ctxOf(c)) }));

  return app;
}

/** The reseller's API: buy a site and manage the sites they own (another user's site is a 404; requireAuth at the mount). */
export function whiteLabelRoutes() {
  const app = new Hono<AuthedEnv>();

  app.post("/purchase", async (c) => {
    const ctx = ctxOf(c);
    const input = await validBody(c, purchaseSchema);
    return idempotent(c, ctx, `u:${ctx.user.id}`, input, async () => {
      const site = await purchaseSite(ctx, input);
      return { status: 201, body: { data: await siteDetails(ctx, site) } };
    });
  });

  app.get("/sites", async (c) => {
    const ctx = ctxOf(c);
    return c.json(pageEnvelope(await listMySites(ctx, validQuery(c, listQuery)), (s) => s));
  });

  app.get("/sites/:uuid", async (c) => {
    const ctx = ctxOf(c);
    return c.json({ data: await siteDetails(ctx, await ownedSite(ctx, c.req.param("uuid"))) });
  });

  app.put("/sites/:uuid/branding", async (c) => {
    const ctx = ctxOf(c);
    const site = await ownedSite(ctx, c.req.param("uuid"));
    const { input, logo } = await brandingInput(c);
    return c.json({ data: await siteDetails(ctx, await updateBranding(ctx, site, input, logo)) });
  });

  app.get("/sites/:uuid/currency", async (c) => {
    const ctx = ctxOf(c);
    return c.json({ data: siteCurrencyView(await siteCurrency(ctx, await ownedSite(ctx, c.req.param("uuid")))) });
  });

  app.put("/sites/:uuid/currency", async (c) => {
    const ctx = ctxOf(c);
    const site = await ownedSite(ctx, c.req.param("uuid"));
    const updated = await setSiteCurrency(ctx, site, await validBody(c, siteCurrencySchema));
    return c.json({ data: siteCurrencyView(await siteCurrency(ctx, updated)) });
  });

  app.put("/sites/:uuid/pricing", async (c) => {
    const ctx = ctxOf(c);
    const site = await ownedSite(ctx, c.req.param("uuid"));
    const input = await validBody(c, pricingSchema);
    const updated = await updatePricing(ctx, site, input);
    return c.json({
      data: { ...(await pricingSummary(ctx, updated)), content_version: updated.content_version, prices: await samplePrices(ctx, updated, input) },
    });
  });

  // What the same body would change, without saving: the changed services, before and after.
  app.post("/sites/:uuid/pricing/preview", async (c) => {
    const ctx = ctxOf(c);
    const site = await ownedSite(ctx, c.req.param("uuid"));
    const page = validQuery(c, listQuery);
    const input = await validBody(c, pricingSchema);
    return c.json(previewView(await previewPricing(ctx, site, input), page));
  });

  app.put("/sites/:uuid/domain", async (c) => {
    const ctx = ctxOf(c);
    const site = await ownedSite(ctx, c.req.param("uuid"));
    const input = await validBody(c, domainSchema);
    return c.json({ data: await siteDetails(ctx, await setCustomDomain(ctx, site, input.custom_domain)) });
  });

  app.post("/sites/:uuid/domain/verify", async (c) => {
    const ctx = ctxOf(c);
    const site = await ownedSite(ctx, c.req.param("uuid"));
    return c.json({ data: await siteDetails(ctx, await verifyCustomDomain(ctx, site)) });
  });

  app.post("/sites/:uuid/renew", async (c) => {
    const ctx = ctxOf(c);
    const site = await ownedSite(ctx, c.req.param("uuid"));
    return idempotent(c, ctx, `u:${ctx.user.id}`, { renew: site.uuid }, async () => ({
      status: 200,
      body: { data: await siteDetails(ctx, await renewNow(ctx, site)) },
    }));
  });

  app.route("/", subscriptionRoutes());
  return app;
}
