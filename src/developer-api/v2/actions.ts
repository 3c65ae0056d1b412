import type { Ctx } from "../../context.ts";
import type { ApiKey } from "../../db/schema.ts";
import { AppError } from "../../core/errors.ts";
import { listPricedServices } from "../../catalog/prices.ts";
import { langOf } from "../../i18n/lang.ts";
import { formatMoney } from "../../money/money.ts";
import { keyOwnerBalance, tenantCurrency } from "../account.ts";
import { hasPermission } from "../middleware.ts";
import type { Permission } from "../keys.ts";
import { cancelByNumber, ownOrdersByNumber, ownRefillsByNumber, placeApiOrder, refillByNumber } from "../orders.ts";
import type { V2Fields } from "./params.ts";
import { idValue, wireOrderStatus, wireRefillStatus, wireService } from "./wire.ts";

/**
 * A refusal answered as `{"error": message}` (HTTP 200), the protocol's only error shape; `status`
 * is what the call is recorded as in api_logs (what /api/v1 would have answered).
 */
export class V2Refusal extends Error {
  readonly status: number;
  constructor(message: string, status = 422) {
    super(message);
    this.status = status;
  }
}

const MAX_IDS = 100;

/** The permission each action needs; an action not listed here is an "Incorrect request". */
const ACTIONS: Record<string, Permission> = {
  services: "services.read",
  add: "orders.create",
  status: "orders.read",
  balance: "balance.read",
  refill: "orders.create",
  refill_status: "orders.read",
  cancel: "orders.create",
};

export function isKnownAction(action: string | undefined): action is string {
  return action !== undefined && Object.hasOwn(ACTIONS, action);
}

/** A domain error in the words third-party panels expect. */
export function refusalMessage(err: AppError): string {
  if (err.code === "insufficient_balance") return "Not enough funds on balance";
  if (err.code === "validation_failed" && err.details && typeof err.details === "object") {
    const details = err.details as Record<string, string[]>;
    if (details.service_id) return "Incorrect service ID";
    const [field, messages] = Object.entries(details)[0] ?? [];
    if (field) return `Incorrect ${field}: ${messages?.[0] ?? "invalid"}`;
  }
  return err.message;
}

function idList(text: string | undefined): string[] {
  const ids = (text ?? "")
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new V2Refusal("Incorrect request", 400);
  if (ids.length > MAX_IDS) throw new V2Refusal(`Maximum ${MAX_IDS} IDs per request`);
  return ids;
}

/** A refusal inside a batch answer, instead of failing the whole request. */
async function orError<T>(run: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof V2Refusal) return { error: err.message };
    if (err instanceof AppError) return { error: refusalMessage(err) };
    throw err;
  }
}

async function addOrder(ctx: Ctx, key: ApiKey, f: V2Fields) {
  const { key: _k, action: _a, service, ...rest } = f;
  if (!service || !/^\d{1,15}$/.test(service.trim())) throw new V2Refusal("Incorrect service ID");
  const order = await placeApiOrder(ctx, { ...rest, service_id: service.trim() }, { source: "api_v2", apiKeyId: key.id });
  return { order: order.number };
}

async function orderStatus(ctx: Ctx, f: V2Fields) {
  const currency = await tenantCurrency(ctx);
  if (f.orders !== undefined) {
    const ids = idList(f.orders);
    const found = await ownOrdersByNumber(ctx, ids);
    const answer: Record<string, unknown> = {};
    for (const id of ids) {
      const o = found.get(id);
      answer[id] = o ? wireOrderStatus(o, currency) : { error: "Incorrect order ID" };
    }
    return answer;
  }
  const id = (f.order ?? "").trim();
  const o = id ? (await ownOrdersByNumber(ctx, [id])).get(id) : undefined;
  if (!o) throw new V2Refusal("Incorrect order ID", 404);
  return wireOrderStatus(o, currency);
}

async function refillOne(ctx: Ctx, id: string): Promise<number> {
  const refill = await refillByNumber(ctx, id);
  if (!refill) throw new V2Refusal("Incorrect order ID", 404);
  return refill.id;
}

async function refill(ctx: Ctx, f: V2Fields) {
  if (f.orders !== undefined) {
    const answer = [];
    for (const id of idList(f.orders)) answer.push({ order: idValue(id), refill: await orError(() => refillOne(ctx, id)) });
    return answer;
  }
  const id = (f.order ?? "").trim();
  if (!id) throw new V2Refusal("Incorrect order ID", 404);
  return { refill: String(await refillOne(ctx, id)) };
}

async function refillStatus(ctx: Ctx, f: V2Fields) {
  if (f.refills !== undefined) {
    const ids = idList(f.refills);
    const found = await ownRefillsByNumber(ctx, ids);
    return ids.map((id) => {
      const r = found.get(id);
      return { refill: idValue(id), status: r ? wireRefillStatus(r.status) : { error: "Refill not found" } };
    });
  }
  const id = (f.refill ?? "").trim();
  const r = id ? (await ownRefillsByNumber(ctx, [id])).get(id) : undefined;
  if (!r) throw new V2Refusal("Refill not found", 404);
  return { status: wireRefillStatus(r.status) };
}

async function cancel(ctx: Ctx, f: V2Fields) {
  const answer = [];
  for (const id of idList(f.orders ?? f.order)) {
    answer.push({
      order: idValue(id),
      cancel: await orError(async () => {
        if (!(await cancelByNumber(ctx, id))) throw new V2Refusal("Incorrect order ID", 404);
        return 1;
      }),
    });
  }
  return answer;
}

/**
 * Answers one v2 call for the key's owner (ctx.user) on the request's tenant. Refusals are thrown
 * as V2Refusal or AppError; the caller turns them into `{"error": "..."}`.
 */
export async function answerV2(ctx: Ctx, key: ApiKey, f: V2Fields): Promise<unknown> {
  const action = f.action;
  if (!isKnownAction(action)) throw new V2Refusal("Incorrect request", 400);
  const permission = ACTIONS[action]!;
  if (!hasPermission(key, permission)) throw new V2Refusal(`This API key lacks the ${permission} permission`, 403);
  switch (action) {
    case "services":
      return (await listPricedServices(ctx)).map((s) => wireService(s, ctx.tenant.kind === "site" ? langOf(ctx.tenant.site.language) : null));
    case "balance": {
      const b = await keyOwnerBalance(ctx);
      return { balance: formatMoney(b.balance), currency: b.currency };
    }
    case "add":
      return addOrder(ctx, key, f);
    case "status":
      return orderStatus(ctx, f);
    case "refill":
      return refill(ctx, f);
    case "refill_status":
      return refillStatus(ctx, f);
    case "cancel":
      return cancel(ctx, f);
    default:
      throw new V2Refusal("Incorrect request", 400);
  }
}
