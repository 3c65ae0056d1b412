import { parseMoney, type Micro } from "../money/money.ts";
import { buildCatalog, formatAmount, isServiceType, parseRate, type ServiceType, type SimService } from "./catalog.ts";
import { SimError } from "./errors.ts";
import { listingsOf, type CatalogueStyle, type ListingOverride } from "./listings.ts";
import { readOrderRequest, type Fields } from "./order-request.ts";
import { clampRemains, DEFAULT_TIMING, hashInt, viewOrder, type OrderOutcome, type OrderTiming, type OrderView, type SimOrder } from "./progress.ts";

export interface SimStateOptions {
  /** Milliseconds since the epoch; `advance()` adds to it. Default Date.now. */
  clock?: () => number;
  /** Starting balance in the panel's currency, e.g. "100.84292". Default "1000". */
  balance?: string;
  /** The panel's currency, in `balance` and `status` answers. Default "USD". */
  currency?: string;
  /** "messy": rates with commas and symbols, "0.00", escaped names, unknown types (listings.ts). Default "clean". */
  catalogue?: CatalogueStyle;
  timing?: Partial<OrderTiming>;
}

/** Shares of orders (in percent, picked by order id) that end Partial or Canceled without being told to. */
interface OutcomeShares {
  partial: number;
  canceled: number;
}

export interface NewService {
  service?: number;
  name: string;
  type?: ServiceType;
  category?: string;
  rate: string | number;
  min?: number;
  max?: number;
  refill?: boolean;
  cancel?: boolean;
  dripfeed?: boolean;
}

/**
 * How the panel answers `status` with `orders=`: map (keyed by id, the usual), list (entries carrying
 * their `order`), unsupported (`{"error": "Incorrect order ID"}`, as panels that only read `order=`),
 * empty (`[]`: an answer that is not a map by id).
 */
export const BATCH_STATUS_MODES = ["map", "list", "unsupported", "empty"] as const;
type BatchStatusMode = (typeof BATCH_STATUS_MODES)[number];

export const REFILL_STATUSES = ["Pending", "In progress", "Completed", "Rejected"] as const;
type RefillStatus = (typeof REFILL_STATUSES)[number];

interface OrderSnapshot extends Omit<OrderView, "charge"> {
  id: number;
  service: number;
  link: string;
  quantity: number;
  charge: string;
  createdAt: number;
  runs?: number;
  interval?: number;
  extra: Fields;
}

export type SimState = ReturnType<typeof createSimState>;

interface Refill {
  id: number;
  orderId: number;
  createdAt: number;
  forced?: RefillStatus;
}

const FIRST_ORDER_ID = 1001;
/** Micro-units a Partial's pro-rata charge can gain when rounded to 5 decimals. */
const ROUNDING_SLACK = 10;

/** Link words that decide an order's end, so platform tests can ask for an outcome through a normal order. */
function outcomeFromLink(order: SimOrder): OrderOutcome | undefined {
  const link = order.link.toLowerCase();
  if (link.includes("cancel")) return { status: "Canceled" };
  if (link.includes("partial")) return { status: "Partial" };
  if (link.includes("stuck")) return { status: "In progress" };
  return undefined;
}

/** Orders, refills, balance and catalogue of one simulated panel; time only through the injected clock. */
export function createSimState(options: SimStateOptions = {}) {
  const clock = options.clock ?? Date.now;
  const timing: OrderTiming = { ...DEFAULT_TIMING, ...options.timing };
  let offset = 0;
  const now = () => clock() + offset;

  const services = new Map<number, SimService>(buildCatalog().map((s) => [s.service, s]));
  const orders = new Map<number, SimOrder>();
  const forcedOutcomes = new Map<number, OrderOutcome>();
  const refills = new Map<number, Refill>();
  let nextOrderId = FIRST_ORDER_ID;
  let nextRefillId = 1;
  let shares: OutcomeShares = { partial: 10, canceled: 5 };
  let batchStatus: BatchStatusMode = "map";
  let startBalance = money(options.balance ?? "1000");
  let currency = options.currency ?? "USD";
  let catalogueStyle: CatalogueStyle = options.catalogue ?? "clean";
  const listingOverrides = new Map<number, ListingOverride>();
  // No order ever costs more than it was charged when placed (give or take a rounding to 5 decimals).
  let chargedAtMost = 0;

  function money(text: string | number): Micro {
    const amount = parseMoney(text);
    if (amount === null) throw new SimError(`Incorrect amount: ${text}`);
    return amount;
  }

  function outcomeOf(order: SimOrder): OrderOutcome {
    const forced = forcedOutcomes.get(order.id) ?? outcomeFromLink(order);
    if (forced) return forced;
    const roll = hashInt(order.id) % 100;
    if (roll < shares.partial) {
      const undeliveredPercent = 10 + (hashInt(order.id + 7) % 41);
      return { status: "Partial", remains: clampRemains(order.quantity, Math.floor((order.quantity * undeliveredPercent) / 100)) };
    }
    if (roll < shares.partial + shares.canceled) return { status: "Canceled" };
    return { status: "Completed" };
  }

  const view = (order: SimOrder): OrderView => viewOrder(order, outcomeOf(order), now(), timing);

  function balance(): Micro {
    let spent = 0;
    for (const order of orders.values()) spent += view(order).charge;
    return startBalance - spent;
  }

  function order(id: number | string): SimOrder {
    const found = orders.get(Number(id));
    if (!found) throw new SimError("Incorrect order ID");
    return found;
  }

  function service(id: number): SimService {
    const found = services.get(id);
    if (!found) throw new SimError("Incorrect service ID");
    return found;
  }

  function refillStatusOf(refill: Refill): RefillStatus {
    if (refill.forced) return refill.forced;
    const age = now() - refill.createdAt;
    if (age < timing.pendingMs) return "Pending";
    return age < timing.pendingMs + timing.runMs ? "In progress" : "Completed";
  }

  function checkService(s: SimService): SimService {
    if (!s.name.trim()) throw new SimError("Service name is required");
    if (!isServiceType(s.type)) throw new SimError(`Unknown service type: ${s.type}`);
    if (!Number.isInteger(s.service) || s.service < 1) throw new SimError("Incorrect service ID");
    if (!Number.isInteger(s.min) || !Number.isInteger(s.max) || s.min < 1 || s.min > s.max) {
      throw new SimError("Service min and max must be integers with 1 <= min <= max");
    }
    return s;
  }

  return {
    now,
    timing,

    // The panel's verbs, as the API actions use them.
    listServices: (): SimService[] => [...services.values()].sort((a, b) => a.service - b.service),

    balance: (): string => formatAmount(balance()),

    currency: (): string => currency,

    /** The `services` answer as it goes on the wire, variations included. */
    listings: (): unknown[] =>
      listingsOf(
        [...services.values()].sort((a, b) => a.service - b.service),
        catalogueStyle,
        listingOverrides,
      ),

    placeOrder(fields: Fields): number {
      if (!/^\d+$/.test(fields.service ?? "")) throw new SimError("Incorrect service ID");
      const s = service(Number(fields.service));
      const request = readOrderRequest(s, fields);
      // The exact balance walks every order: only needed when the upper bound of what they cost leaves too little.
      if (request.charge > startBalance - chargedAtMost && request.charge > balance()) throw new SimError("Not enough funds on balance");
      const created: SimOrder = { ...request, id: nextOrderId++, service: { ...s }, createdAt: now() };
      orders.set(created.id, created);
      chargedAtMost += created.charge + ROUNDING_SLACK;
      return created.id;
    },

    orderStatus: (id: number | string): OrderView => view(order(id)),

    requestRefill(orderId: number | string): number {
      const o = order(orderId);
      if (!o.service.refill) throw new SimError("Refill is disabled for this service");
      const status = view(o).status;
      if (status !== "Completed" && status !== "Partial") throw new SimError("Order is not eligible for refill");
      for (const r of refills.values()) {
        const s = refillStatusOf(r);
        if (r.orderId === o.id && s !== "Completed" && s !== "Rejected") throw new SimError("Refill request already in progress");
      }
      const refill: Refill = { id: nextRefillId++, orderId: o.id, createdAt: now() };
      refills.set(refill.id, refill);
      return refill.id;
    },

    refillStatus(refillId: number | string): RefillStatus {
      const refill = refills.get(Number(refillId));
      if (!refill) throw new SimError("Refill not found");
      return refillStatusOf(refill);
    },

    cancelOrder(orderId: number | string): void {
      const o = order(orderId);
      if (!o.service.cancel) throw new SimError("Cancel is disabled for this service");
      if (view(o).status !== "Pending") throw new SimError("Order cannot be canceled");
      o.canceledAt = now();
    },

    // Test and operator controls.
    advance(ms: number): number {
      if (!Number.isFinite(ms) || ms < 0) throw new SimError("advance needs a non-negative number of ms");
      offset += ms;
      return now();
    },

    getService: (id: number): SimService | undefined => services.get(id),

    addService(input: NewService): SimService {
      const id = input.service ?? Math.max(0, ...services.keys()) + 1;
      if (services.has(id)) throw new SimError(`Service ${id} already exists`);
      const created = checkService({
        service: id,
        name: input.name,
        type: input.type ?? "Default",
        category: input.category ?? "Other",
        rate: parseRate(input.rate),
        min: input.min ?? 10,
        max: input.max ?? 10_000,
        refill: input.refill ?? false,
        cancel: input.cancel ?? false,
        dripfeed: input.dripfeed ?? false,
      });
      services.set(id, created);
      return created;
    },

    updateService(id: number, patch: Partial<Omit<NewService, "service">>): SimService {
      const current = service(id);
      const { rate, ...rest } = patch;
      const updated = checkService({ ...current, ...rest, rate: rate === undefined ? current.rate : parseRate(rate) });
      services.set(id, updated);
      return updated;
    },

    setRate(id: number, rate: string | number): SimService {
      const s = service(id);
      s.rate = parseRate(rate);
      return s;
    },

    removeService: (id: number): boolean => services.delete(id),

    /** Replaces fields of one service's `services` entry as sent (`rate: "0,90"`, `type: "Comment Replies"`…); null clears them. */
    setListing(id: number, override: ListingOverride | null): void {
      service(id);
      if (override === null) listingOverrides.delete(id);
      else listingOverrides.set(id, { ...override });
    },

    setCatalogueStyle(style: CatalogueStyle): void {
      catalogueStyle = style;
    },

    /** What the panel says its money is in (a panel that changed currency, or a misconfigured provider). */
    setCurrency(code: string): void {
      if (!/^[A-Z]{3}$/.test(code)) throw new SimError(`Incorrect currency: ${code}`);
      currency = code;
    },

    /** Decides how an order ends; shown once it finishes (at once if it already has). */
    setOrderOutcome(orderId: number, outcome: OrderOutcome): void {
      order(orderId);
      forcedOutcomes.set(orderId, { ...outcome });
    },

    setRefillStatus(refillId: number, status: RefillStatus): void {
      const refill = refills.get(refillId);
      if (!refill) throw new SimError("Refill not found");
      refill.forced = status;
    },

    batchStatusMode: (): BatchStatusMode => batchStatus,

    setBatchStatusMode(mode: BatchStatusMode): void {
      if (!BATCH_STATUS_MODES.includes(mode)) throw new SimError(`Unknown batch status mode: ${mode}`);
      batchStatus = mode;
    },

    setOutcomeShares(next: OutcomeShares): void {
      if (next.partial < 0 || next.canceled < 0 || next.partial + next.canceled > 100) {
        throw new SimError("Outcome shares must be percentages adding up to at most 100");
      }
      shares = { ...next };
    },

    setBalance(amount: string | number): string {
      startBalance += money(amount) - balance();
      return formatAmount(balance());
    },

    getOrder(id: number): OrderSnapshot | undefined {
      const o = orders.get(id);
      if (!o) return undefined;
      const v = view(o);
      return {
        ...v,
        id: o.id,
        service: o.service.service,
        link: o.link,
        quantity: o.quantity,
        charge: formatAmount(v.charge),
        createdAt: o.createdAt,
        runs: o.runs,
        interval: o.interval,
        extra: { ...o.extra },
      };
    },

    orderIds: (): number[] => [...orders.keys()],
  };
}
