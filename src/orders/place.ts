import { serviceTextIn } from "../catalog/category-names.ts";
import { randomUUID } from "node:crypto";
import type { Ctx } from "../context.ts";
import { requireUser, withTransaction } from "../context.ts";
import { preparedInsert } from "../db/prepared.ts";
import { AppError, Forbidden, Unavailable, Validation, envelopeOf } from "../core/errors.ts";
import { parseInput } from "../core/validate.ts";
import { dbNow } from "../lib/time.ts";
import { convert } from "../money/money.ts";
import { orderCharge, orderCost } from "../pricing/pricing.ts";
import { orderService } from "../catalog/prices.ts";
import { bookingCurrency, getSetting } from "../settings/service.ts";
import { debitFor } from "../wallet/ledger.ts";
import { kickDispatch } from "./dispatch.ts";
import { mailOrderConfirmation } from "./notices.ts";
import { orderFieldMessage, orderFieldsSchema, type OrderFields } from "./fields.ts";
import type { Lang } from "../i18n/lang.ts";
import { numberOrder, orderEntryText } from "./numbers.ts";
import { numbersAfterCommit, withOrderNumber } from "./numbering.ts";
import { placeOrderBase } from "./schema.ts";
import { orderRowById, type OrderRow } from "./service.ts";
import { tenantId } from "../tenancy/scoped.ts";

/** Where an order came from: the web app, a mass order, the developer APIs, a storefront… */
export type OrderSource = "web" | "mass" | "api" | "api_v2" | "storefront";

interface PlaceOptions {
  source: OrderSource;
  apiKeyId?: number | null;
  /** The language of field messages (the order form's page); the APIs' English by default. */
  lang?: Lang;
}

/** What an order will cost, computed by the server from the tenant's price; the client's fields only. */
interface OrderQuote {
  /** `names`: the service as the tenant's catalogue names it in each language (a site's own words), for the buyer's e-mail. */
  service: { id: number; name: string; names: Record<Lang, string>; type: string; provider_id: number };
  fields: OrderFields;
  /** Per 1000 (per package for Package), what the payer pays. */
  rate: number;
  /** Rounded up to a whole minor unit of `currency`, the currency the order is booked in. */
  charge: number;
  /** What the provider will charge us, in the platform currency (exact: nothing is booked from it). */
  providerCost: number;
  currency: string;
}

const isOn = (value: string) => ["1", "true"].includes(value.trim().toLowerCase());

/**
 * Whether the calling user may place a new order now, whatever the way in (web, mass, v1, v2,
 * storefront): not during maintenance, and not from an account whose address is unverified when
 * the `unverified_may_order` setting is off.
 */
export async function admitNewOrder(ctx: Ctx): Promise<void> {
  if (isOn(await getSetting(ctx, "maintenance_mode"))) throw new Unavailable("New orders are paused for maintenance; please try again later", "maintenance");
  const user = requireUser(ctx);
  if (!user.email_verified_at && !isOn(await getSetting(ctx, "unverified_may_order"))) {
    throw new Forbidden("Confirm your e-mail address before placing an order; the link can be sent again from your account", "email_unverified");
  }
}

/**
 * Prices an order at the tenant's price for the caller (custom price included) and checks its
 * fields against the service: 422 with per-field details when anything is off.
 */
export async function quoteOrder(ctx: Ctx, input: Record<string, unknown>, lang?: Lang): Promise<OrderQuote> {
  const { service_id } = parseInput(placeOrderBase, input);
  const found = await orderService(ctx, service_id);
  if (!found) throw new Validation({ service_id: [orderFieldMessage(lang, "service", "unknown_service")] }, undefined, lang);
  const priced = found.service;
  const fields = parseInput(orderFieldsSchema(priced, lang), input, lang);
  const currency = await bookingCurrency(ctx);
  const charge = orderCharge(priced.rate, fields.quantity, currency, { type: priced.type, runs: fields.runs });
  if (charge <= 0) throw new Validation({ quantity: [orderFieldMessage(lang, "quantity", "too_small_to_price")] }, undefined, lang);
  const providerCost = convert(orderCost(found.providerRate, fields.quantity, { type: priced.type, runs: fields.runs }), found.exchangeRate);
  return {
    service: {
      id: priced.id,
      name: priced.name,
      names: { fr: serviceTextIn("fr", priced).name, en: serviceTextIn("en", priced).name },
      type: priced.type,
      provider_id: found.providerId,
    },
    fields,
    rate: priced.rate,
    charge,
    providerCost,
    currency,
  };
}

interface ChargedOrderInput {
  /** Who pays: a platform user, or the reseller behind a storefront order. */
  userId: number;
  siteId: number;
  quote: OrderQuote;
  /** What the payer is charged (the quote's charge, or a reseller's cost). */
  charge: number;
  rate: number;
  source: OrderSource;
  apiKeyId?: number | null;
  parentOrderId?: number | null;
  /** "delegated" for a storefront customer's order: fulfilled by its platform order, never dispatched itself. */
  dispatchState?: "queued" | "delegated";
  /** The order is numbered after the placement commits (`numbersAfterCommit`): left null here. */
  numberLater: boolean;
}

/**
 * The order row and its charge, in the caller's transaction: a conditional debit of the payer, the
 * row (pending, queued for dispatch) and the ledger row tied to it. InsufficientBalance rolls all
 * back. Nothing is sent here: dispatch runs after commit. Unless the order is numbered after commit
 * (`numberLater`), the tenant's order counter, the row every order of the tenant writes, is taken last
 * so that its lock is held for as little as can be.
 */
export async function createChargedOrder(ctx: Ctx, input: ChargedOrderInput): Promise<OrderRow> {
  return withTransaction(ctx, async (tx) => {
    const entryText = orderEntryText(input.quote.service.name);
    const { value: row, posted } = await debitFor(tx, { userId: input.userId, amount: input.charge, type: "order" }, async () => {
      const id = await insertOrderRow(tx, input);
      // Read back with what its views need of the service: the caller answers with it, no second read.
      // The ledger row's text names the order by its number, written with the number.
      return { value: await orderRowById(tx, id), entry: { orderId: id, description: entryText } };
    });
    if (input.numberLater) return row;
    const number = await numberOrder(tx, input.siteId, { orderId: row.id, transactionId: posted.transactionId, entryText });
    return { ...row, number };
  });
}

async function insertOrderRow(tx: Ctx, input: ChargedOrderInput): Promise<number> {
  const now = dbNow(tx.clock);
  const { fields, service } = input.quote;
  const res = await insertOrder.run(tx.db, {
    uuid: randomUUID(),
    site_id: input.siteId,
    number: null,
    user_id: input.userId,
    service_id: service.id,
    provider_id: service.provider_id,
    link: fields.link,
    quantity: fields.quantity,
    runs: fields.runs,
    interval: fields.interval,
    params: Object.keys(fields.params).length ? JSON.stringify(fields.params) : null,
    rate: input.rate,
    charge: input.charge,
    provider_cost: input.quote.providerCost,
    refunded: 0,
    currency: input.quote.currency,
    status: "pending",
    dispatch_state: input.dispatchState ?? "queued",
    dispatch_attempts: 0,
    next_attempt_at: input.dispatchState === "delegated" ? null : now,
    source: input.source,
    api_key_id: input.apiKeyId ?? null,
    parent_order_id: input.parentOrderId ?? null,
    created_at: now,
    updated_at: now,
  });
  return Number(res.insertId);
}

// Run for every order: built once (prepared.ts).
const insertOrder = preparedInsert("orders", [
  "uuid",
  "site_id",
  "number",
  "user_id",
  "service_id",
  "provider_id",
  "link",
  "quantity",
  "runs",
  "interval",
  "params",
  "rate",
  "charge",
  "provider_cost",
  "refunded",
  "currency",
  "status",
  "dispatch_state",
  "dispatch_attempts",
  "next_attempt_at",
  "source",
  "api_key_id",
  "parent_order_id",
  "created_at",
  "updated_at",
]);

/**
 * Places an order for the calling platform user, at the server's price: quote, then in one
 * transaction the order and its debit; then a dispatch kick (after commit). Used by the web API,
 * mass orders and the developer APIs (source, apiKeyId).
 */
export async function placeOrder(ctx: Ctx, input: Record<string, unknown>, opts: PlaceOptions): Promise<OrderRow> {
  return (await placeUntilCommit(ctx, input, opts))();
}

/**
 * placeOrder up to its commit. What it answers finishes the order: waits for its number (MariaDB numbers
 * orders after their commit, many at a time: numbering.ts), then kicks dispatch and sends the mail.
 * Mass orders start each line's finish without waiting for it, so their numbers come in a few batches.
 */
async function placeUntilCommit(ctx: Ctx, input: Record<string, unknown>, opts: PlaceOptions): Promise<() => Promise<OrderRow>> {
  const user = requireUser(ctx);
  // A site's customer order is charged twice (customer and reseller): that chain wraps createChargedOrder.
  if (ctx.tenant.kind !== "platform") throw new Error("placeOrder serves platform users; storefront orders go through the storefront chain");
  await admitNewOrder(ctx);
  const quote = await quoteOrder(ctx, input, opts.lang);
  const numberLater = numbersAfterCommit(ctx);
  const placed = await createChargedOrder(ctx, {
    userId: user.id,
    siteId: tenantId(ctx),
    quote,
    charge: quote.charge,
    rate: quote.rate,
    source: opts.source,
    apiKeyId: opts.apiKeyId,
    numberLater,
  });
  return async () => {
    // Committed: the answer (and an idempotent request's recorded answer) waits for the number.
    const order = numberLater ? await withOrderNumber(ctx, placed) : placed;
    if (!ctx.db.isTransaction) {
      kickDispatch(ctx, [order.id]);
      if (opts.source === "web" || opts.source === "storefront") mailOrderConfirmation(ctx, order, quote.service.names);
    }
    return order;
  };
}

type MassLineResult = { line: number; ok: true; order: OrderRow } | { line: number; ok: false; error: { code: string; message: string; details?: unknown } };

/** One `service_id|link|quantity` per line; each line is placed on its own and answers for itself. */
export async function placeMassOrders(ctx: Ctx, text: string, opts: PlaceOptions): Promise<MassLineResult[]> {
  requireUser(ctx);
  await admitNewOrder(ctx);
  // A placed line's answer comes with its finish (its number, its dispatch kick), started at once and awaited at the end.
  const results: (MassLineResult | Promise<MassLineResult>)[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    if (raw.trim() === "") continue;
    const line = index + 1;
    const parts = raw.split("|").map((s) => s.trim());
    if (parts.length !== 3) {
      results.push({
        line,
        ok: false,
        error: { code: "validation_failed", message: "Expected service_id|link|quantity", details: { line: ["Expected service_id|link|quantity"] } },
      });
      continue;
    }
    const [service_id, link, quantity] = parts;
    try {
      const finish = await placeUntilCommit(ctx, { service_id, link, quantity }, opts);
      results.push(finish().then((order) => ({ line, ok: true as const, order })));
    } catch (err) {
      if (err instanceof AppError) {
        results.push({ line, ok: false, error: envelopeOf(err).error as { code: string; message: string; details?: unknown } });
        continue;
      }
      ctx.logger.error("mass order line failed", { line, error: String(err) });
      results.push({ line, ok: false, error: { code: "internal_error", message: "This line could not be placed" } });
    }
  }
  return Promise.all(results);
}
