import type { PricedService } from "../../catalog/prices.ts";
import { categoryNameIn, serviceTextIn } from "../../catalog/category-names.ts";
import type { Lang } from "../../i18n/lang.ts";
import type { Order, OrderStatus } from "../../db/schema.ts";
import { formatMoney } from "../../money/money.ts";

/** The answers of the standard SMM API v2 (the de-facto "Perfect Panel" shapes), field for field. */

const WIRE_STATUS: Record<OrderStatus, string> = {
  pending: "Pending",
  processing: "Processing",
  in_progress: "In progress",
  completed: "Completed",
  partial: "Partial",
  canceled: "Canceled",
  // Refunded or failed before delivery: the protocol only knows Canceled.
  refunded: "Canceled",
  failed: "Canceled",
};

function wireStatus(status: OrderStatus): string {
  return WIRE_STATUS[status] ?? "Pending";
}

/**
 * One `services` entry: the rate per 1000 at the caller's price in the tenant currency. A site
 * names services and categories in its own words, in its language (`lang`); the platform keeps the
 * names its services were imported with.
 */
export function wireService(s: PricedService, lang: Lang | null = null) {
  return {
    service: s.id,
    name: lang ? serviceTextIn(lang, s).name : s.name,
    type: s.type,
    category: lang ? categoryNameIn(lang, { name: s.category_name, name_fr: s.category_name_fr, name_en: s.category_name_en }) : s.category_name,
    rate: formatMoney(s.rate),
    min: String(s.min),
    max: String(s.max),
    refill: s.refill,
    cancel: s.cancel,
    dripfeed: s.dripfeed,
  };
}

type WireOrder = Pick<Order, "id" | "charge" | "refunded" | "start_count" | "remains" | "status" | "quantity" | "runs">;

/** A `status` answer: what the customer finally paid (charge less refunds, as panels report it) and where the delivery stands. */
export function wireOrderStatus(o: WireOrder, currency: string) {
  const units = o.quantity * (o.runs && o.runs > 1 ? o.runs : 1);
  const remains = o.remains ?? (o.status === "completed" ? 0 : units);
  return {
    charge: formatMoney(Number(o.charge) - Number(o.refunded)),
    start_count: String(o.start_count ?? 0),
    status: wireStatus(o.status),
    remains: String(remains),
    currency,
  };
}

/** Our refill states (requested, pending, in_progress, completed, rejected, canceled, error) as the protocol names them. */
export function wireRefillStatus(status: string): string {
  switch (status) {
    case "in_progress":
      return "In progress";
    case "completed":
      return "Completed";
    case "rejected":
    case "error":
      return "Rejected";
    case "canceled":
      return "Canceled";
    default:
      return "Pending";
  }
}

/** Batch answers carry an id as a number when it is one, as panels do. */
export function idValue(id: string): number | string {
  return /^\d{1,15}$/.test(id) ? Number(id) : id;
}
