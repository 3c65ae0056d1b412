import type { Order, OrderStatus } from "../db/schema.ts";
import { partialRefund, totalQuantity } from "../pricing/pricing.ts";

/** Statuses of an order the provider is still working on; everything else is final. */
export const ACTIVE_STATUSES: readonly OrderStatus[] = ["pending", "processing", "in_progress"];
/** Final statuses after which nothing more is owed to the user: the whole charge went back. */
export const CLOSED_STATUSES: readonly OrderStatus[] = ["canceled", "refunded", "failed"];
/** The endings the order's owner is told about. */
const NOTICE_STATUSES = ["completed", "partial", "canceled", "refunded", "failed"] as const satisfies readonly OrderStatus[];
export type OrderNotice = (typeof NOTICE_STATUSES)[number];

export const isClosed = (status: OrderStatus): boolean => CLOSED_STATUSES.includes(status);
export const isNotice = (status: OrderStatus): status is OrderNotice => (NOTICE_STATUSES as readonly OrderStatus[]).includes(status);

/**
 * The one refund-target rule: what an order's payer gets back overall once it reaches `status` —
 * all of the charge when closed, pro rata of the remains for a partial (rounded down to the order
 * currency's minor unit), nothing otherwise (a partial without remains too: an admin checks it by hand).
 */
export function statusRefund(order: Pick<Order, "charge" | "quantity" | "runs" | "currency">, status: OrderStatus, remains: number | null): number {
  if (isClosed(status)) return Number(order.charge);
  if (status === "partial" && remains !== null) return partialRefund(Number(order.charge), remains, totalQuantity(order.quantity, order.runs), order.currency);
  return 0;
}
