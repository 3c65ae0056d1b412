import { tellSiteOwner } from "../notifications/site-owner.ts";
import type { Ctx } from "../context.ts";
import { PLATFORM, requireUser, withTransaction } from "../context.ts";
import type { Order } from "../db/schema.ts";
import { AppError, Unavailable } from "../core/errors.ts";
import { dbNow } from "../lib/time.ts";
import { pricedService } from "../catalog/prices.ts";
import { fromPlatform, PAR } from "../money/exchange.ts";
import { orderCharge } from "../pricing/pricing.ts";
import { siteExchange } from "../settings/exchange.ts";
import { kickDispatch } from "../orders/dispatch.ts";
import { mailOrderConfirmation } from "../orders/notices.ts";
import { numbersAfterCommit, withOrderNumber } from "../orders/numbering.ts";
import { createChargedOrder, placeOrder, quoteOrder, admitNewOrder, type OrderSource } from "../orders/place.ts";
import type { Lang } from "../i18n/lang.ts";
import { runOnceForValue } from "../idempotency/idempotency.ts";
import { notifyResellerShort } from "./notices.ts";
import { PLATFORM_TENANT_ID, inTenant } from "../tenancy/scoped.ts";

/** What a site customer is told when the reseller cannot pay: nothing about the reseller's money. */
export const NEUTRAL_REFUSAL = "This service is temporarily unavailable, please try again later";

interface TenantOrderOptions {
  source: OrderSource;
  apiKeyId?: number | null;
  /** From a form's hidden field or an Idempotency-Key header; scoped to the customer (`u:<id>`). */
  idempotencyKey?: string;
  /** The language of field messages (the order form's page); the APIs' English by default. */
  lang?: Lang;
}

interface ChainedOrder {
  customerOrder: Order;
  platformOrder: Order;
  sitePrice: number;
  resellerCost: number;
}

/** The reseller's debit failed: the whole chain rolls back, then the customer is refused neutrally. */
class ResellerCannotPay extends Error {
  readonly cost: number;
  readonly serviceName: string;
  constructor(cost: number, serviceName: string) {
    super("the reseller cannot pay the platform order");
    this.cost = cost;
    this.serviceName = serviceName;
  }
}

/**
 * A site customer's order, DESIGN §3: quoted at the site's price; then in ONE transaction the
 * customer's order (charged the site price from their balance on the site, `delegated`: never sent
 * itself), the reseller's platform order that fulfils it (charged the reseller's cost for the same
 * quantity from the reseller's wallet, queued for dispatch, `parent_order_id` = the customer's
 * order) and the `site_orders` row with the profit. The customer short of funds gets a 422; the
 * reseller short of funds rolls everything back, the customer gets a neutral 503 and the reseller a
 * notification (after the rollback). The platform order is kicked for dispatch after commit.
 */
export async function placeSiteOrder(ctx: Ctx, input: Record<string, unknown>, opts: Omit<TenantOrderOptions, "idempotencyKey">): Promise<ChainedOrder> {
  const customer = requireUser(ctx);
  const tenant = ctx.tenant;
  if (tenant.kind !== "site" || customer.site_id !== tenant.siteId) throw new Error("placeSiteOrder serves a site's own customers on that site");
  await admitNewOrder(ctx);
  const quote = await quoteOrder(ctx, input, opts.lang);
  const priced = await pricedService(ctx, quote.service.id);
  if (!priced) throw new Unavailable(NEUTRAL_REFUSAL, "service_unavailable");
  const site = tenant.site;
  // The customer pays in the site's currency (quote.charge, rounded up to its minor unit); the reseller
  // pays its cost in the platform currency, a charge too: rounded up to a whole franc.
  const exchange = await siteExchange(ctx, site);
  const resellerQuote = { ...quote, currency: exchange.platformCurrency };
  const resellerCost = orderCharge(priced.cost, quote.fields.quantity, exchange.platformCurrency, { type: quote.service.type, runs: quote.fields.runs });
  // The site's figures stay in its currency: what the reseller paid, at the rate of this order.
  const siteCost = exchange.rate === PAR ? resellerCost : fromPlatform(resellerCost, exchange.rate, "up");

  const numberLater = numbersAfterCommit(ctx);
  let chained: ChainedOrder;
  try {
    chained = await withTransaction(ctx, async (tx) => {
      // Refunds flowing down lock the reseller's row before the customer's: take them in that order too (no MySQL deadlock).
      if (tx.dialect === "mysql") await tx.db.selectFrom("users").select("id").where("id", "=", site.owner_id).forUpdate().execute();
      // The customer's "provider" is the platform at the reseller's cost: that is what the site pays for it.
      const customerOrder = await createChargedOrder(tx, {
        userId: customer.id,
        siteId: site.id,
        quote: { ...quote, providerCost: siteCost },
        charge: quote.charge,
        rate: quote.rate,
        source: opts.source,
        apiKeyId: opts.apiKeyId,
        dispatchState: "delegated",
        numberLater,
      });
      let platformOrder: Order;
      try {
        platformOrder = await createChargedOrder(tx, {
          userId: site.owner_id,
          siteId: PLATFORM_TENANT_ID,
          quote: resellerQuote,
          charge: resellerCost,
          rate: priced.cost,
          source: "storefront",
          parentOrderId: customerOrder.id,
          numberLater,
        });
      } catch (err) {
        if (err instanceof AppError && err.code === "insufficient_balance") throw new ResellerCannotPay(resellerCost, quote.service.name);
        throw err;
      }
      const now = dbNow(tx.clock);
      await inTenant(tx)
        .insertInto("site_orders", {
          customer_order_id: customerOrder.id,
          platform_order_id: platformOrder.id,
          site_price: quote.charge,
          reseller_cost: resellerCost,
          profit: quote.charge - siteCost,
          currency: exchange.currency,
          currency_rate: exchange.rate,
          site_cost: siteCost,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return { customerOrder, platformOrder, sitePrice: quote.charge, resellerCost };
    });
  } catch (err) {
    if (!(err instanceof ResellerCannotPay)) throw err;
    try {
      await notifyResellerShort(ctx, site, { serviceName: err.serviceName, cost: err.cost, currency: exchange.platformCurrency });
    } catch (notifyErr) {
      ctx.logger.error("reseller notification failed", { site_id: site.id, error: String(notifyErr) });
    }
    ctx.logger.warn("storefront order refused: the reseller cannot pay", { site_id: site.id, service_id: quote.service.id });
    throw new Unavailable(NEUTRAL_REFUSAL, "service_unavailable");
  }
  // Committed: both orders take their tenant's next number (the site's, the platform's) before the answer.
  if (numberLater) {
    const [customerOrder, platformOrder] = await Promise.all([withOrderNumber(ctx, chained.customerOrder), withOrderNumber(ctx, chained.platformOrder)]);
    chained = { ...chained, customerOrder, platformOrder };
  }
  // One notice per site that counts the orders up, not one per order.
  await tellSiteOwner(ctx, "orders", chained.sitePrice);
  // The platform order is the platform's to send: dispatch runs as the platform tenant.
  if (!ctx.db.isTransaction) {
    kickDispatch({ ...ctx, tenant: PLATFORM }, [chained.platformOrder.id]);
    if (opts.source === "web" || opts.source === "storefront") mailOrderConfirmation(ctx, chained.customerOrder, quote.service.names);
  }
  return chained;
}

/**
 * The order flow of any tenant, as the storefront and the site's /api/v2 use it: a platform user's
 * order is a plain `placeOrder`; a site customer's goes through the chain. Idempotent per customer
 * when a key is given (a retry gets the same order back).
 */
export async function placeTenantOrder(ctx: Ctx, input: Record<string, unknown>, opts: TenantOrderOptions): Promise<{ order: Order; replayed: boolean }> {
  const user = requireUser(ctx);
  const run = async (): Promise<number> =>
    ctx.tenant.kind === "site"
      ? (await placeSiteOrder(ctx, input, opts)).customerOrder.id
      : (await placeOrder(ctx, input, { source: opts.source, apiKeyId: opts.apiKeyId, lang: opts.lang })).id;
  const done = await runOnceForValue(ctx, { scope: `u:${user.id}`, key: opts.idempotencyKey, operation: "storefront-order", body: input }, run);
  const order = await inTenant(ctx).selectFrom("orders").selectAll().where("id", "=", done.value).where("user_id", "=", user.id).executeTakeFirstOrThrow();
  return { order, replayed: done.replayed };
}
