import { Hono } from "hono";
import type { AuthedEnv } from "../http/env.ts";
import { ctxOf } from "../http/env.ts";
import { pageEnvelope } from "../core/pagination.ts";
import { validBody, validQuery } from "../http/body.ts";
import { idempotent } from "../idempotency/idempotency.ts";
import { formatMoney } from "../money/money.ts";
import { listSiteInvoices, siteInvoice } from "./invoices.ts";
import { listQuery, planChangeSchema, siteDeleteSchema } from "./schema.ts";
import { deleteSite } from "./site-deletion.ts";
import { ownedSite, siteDetails } from "./sites.ts";
import { cancelAtPeriodEnd, changePlan, keepCurrentPlan, planChangeQuote, resumeSubscription } from "./subscription.ts";

/**
 * A reseller's subscription through the JSON API (the same verbs as the `/white-label` pages):
 * invoices, plan change (quote, then the change: idempotent, charged once), cancel at the period
 * end and undo, delete the site. Another user's site is a 404; requireAuth where it is mounted.
 */
export function subscriptionRoutes() {
  const app = new Hono<AuthedEnv>();

  app.get("/sites/:uuid/invoices", async (c) => {
    const ctx = ctxOf(c);
    const site = await ownedSite(ctx, c.req.param("uuid"));
    return c.json(pageEnvelope(await listSiteInvoices(ctx, site, validQuery(c, listQuery)), (i) => i));
  });

  app.get("/sites/:uuid/invoices/:invoice", async (c) => {
    const ctx = ctxOf(c);
    const site = await ownedSite(ctx, c.req.param("uuid"));
    return c.json({ data: await siteInvoice(ctx, site, c.req.param("invoice")) });
  });

  app.post("/sites/:uuid/plan/quote", async (c) => {
    const ctx = ctxOf(c);
    const site = await ownedSite(ctx, c.req.param("uuid"));
    const q = await planChangeQuote(ctx, site, await validBody(c, planChangeSchema));
    return c.json({
      data: {
        kind: q.quote.kind,
        charge: formatMoney(q.quote.charge),
        currency: q.currency,
        plan_id: q.plan.id,
        billing_cycle: q.cycle,
        price: formatMoney(q.price),
        seconds_left: q.quote.secondsLeft,
        effective_at: (q.quote.kind === "upgrade" ? ctx.clock.now() : q.quote.end).toISOString(),
        period_end: q.quote.end.toISOString(),
      },
    });
  });

  app.post("/sites/:uuid/plan", async (c) => {
    const ctx = ctxOf(c);
    const site = await ownedSite(ctx, c.req.param("uuid"));
    const input = await validBody(c, planChangeSchema);
    return idempotent(c, ctx, `u:${ctx.user.id}`, { plan: site.uuid, ...input }, async () => {
      const done = await changePlan(ctx, site, input);
      return { status: 200, body: { data: { kind: done.kind, charge: formatMoney(done.charge), site: await siteDetails(ctx, done.site) } } };
    });
  });

  app.post("/sites/:uuid/plan/keep", async (c) => {
    const ctx = ctxOf(c);
    const site = await ownedSite(ctx, c.req.param("uuid"));
    await keepCurrentPlan(ctx, site);
    return c.json({ data: await siteDetails(ctx, site) });
  });

  app.post("/sites/:uuid/cancel", async (c) => {
    const ctx = ctxOf(c);
    const site = await ownedSite(ctx, c.req.param("uuid"));
    await cancelAtPeriodEnd(ctx, site);
    return c.json({ data: await siteDetails(ctx, site) });
  });

  app.post("/sites/:uuid/resume", async (c) => {
    const ctx = ctxOf(c);
    const site = await ownedSite(ctx, c.req.param("uuid"));
    await resumeSubscription(ctx, site);
    return c.json({ data: await siteDetails(ctx, site) });
  });

  app.post("/sites/:uuid/delete", async (c) => {
    const ctx = ctxOf(c);
    const site = await ownedSite(ctx, c.req.param("uuid"));
    const input = await validBody(c, siteDeleteSchema);
    await deleteSite(ctx, site, input.confirm_slug);
    return c.json({ data: { uuid: site.uuid, deleted: true } });
  });

  return app;
}
