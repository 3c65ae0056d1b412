import { mulDiv, type Micro } from "../money/money.ts";
import { roundTo5, type SimService } from "./catalog.ts";
import type { OrderRequest } from "./order-request.ts";

const ORDER_STATUSES = ["Pending", "In progress", "Processing", "Completed", "Partial", "Canceled"] as const;
/** What a Subscriptions order reports instead: Active while it runs, Paused when held, Expired when time ran out before its posts. */
const SUBSCRIPTION_STATUSES = ["Active", "Paused", "Expired", "Cancelled"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number] | (typeof SUBSCRIPTION_STATUSES)[number];
/** The outcomes a test or operator can force. */
export const OUTCOME_STATUSES = [...ORDER_STATUSES, "Active", "Paused", "Expired"] as const;
type OutcomeStatus = (typeof OUTCOME_STATUSES)[number];

/** How an order ends; Pending, In progress, Processing, Active and Paused pin the order there; Expired ends like Partial. */
export interface OrderOutcome {
  status: OutcomeStatus;
  /** For Partial and Expired: units not delivered (default half). */
  remains?: number;
}

export interface OrderTiming {
  /** Time an order waits as Pending before the provider starts it. */
  pendingMs: number;
  /** Time an order (or refill) runs before it ends; drip-feed orders run runs × interval instead. */
  runMs: number;
}

export const DEFAULT_TIMING: OrderTiming = { pendingMs: 60_000, runMs: 10 * 60_000 };

export interface SimOrder extends OrderRequest {
  id: number;
  /** The service as it was when ordered: later catalogue edits do not change the order. */
  service: SimService;
  createdAt: number;
  /** Set when a cancel request is accepted. */
  canceledAt?: number;
}

export interface OrderView {
  status: OrderStatus;
  remains: number;
  startCount: number;
  /** What the order costs now: full while running, less the undelivered part once Partial, zero once Canceled. */
  charge: Micro;
}

function runTime(order: SimOrder, timing: OrderTiming): number {
  return order.runs && order.interval ? order.runs * order.interval * 60_000 : timing.runMs;
}

/** FNV-1a: a stable number from a text, for start counts that depend only on the link. */
function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A stable number from an integer, to spread outcomes over order ids. */
export function hashInt(n: number): number {
  let h = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function clampRemains(quantity: number, remains: number | undefined): number {
  if (quantity < 2) return 0;
  const wanted = remains ?? Math.floor(quantity / 2);
  return Math.min(quantity - 1, Math.max(1, Math.floor(wanted)));
}

/** The order as the provider reports it at `now`, given how it is to end; subscriptions in their own words. */
export function viewOrder(order: SimOrder, outcome: OrderOutcome, now: number, timing: OrderTiming): OrderView {
  const s = outcome.status;
  const delivery =
    s === "Active" || s === "Paused"
      ? { status: "In progress" as const }
      : s === "Expired"
        ? { status: "Partial" as const, remains: outcome.remains }
        : { status: s, remains: outcome.remains };
  const view = deliveryView(order, delivery, now, timing);
  if (s === "Paused" && view.status === "In progress") view.status = "Paused";
  return order.service.type === "Subscriptions" ? { ...view, status: subscriptionStatus(view.status) } : view;
}

function subscriptionStatus(status: OrderStatus): OrderStatus {
  if (status === "In progress" || status === "Processing") return "Active";
  if (status === "Partial") return "Expired";
  // Panels differ in spelling; the simulated one uses both, so clients must read both.
  return status === "Canceled" ? "Cancelled" : status;
}

function deliveryView(order: SimOrder, outcome: { status: (typeof ORDER_STATUSES)[number]; remains?: number }, now: number, timing: OrderTiming): OrderView {
  const q = order.quantity;
  const startCount = 100 + (hashText(order.link) % 20_000);
  if (order.canceledAt !== undefined && now >= order.canceledAt) {
    return { status: "Canceled", remains: q, startCount: 0, charge: 0 };
  }
  const startAt = order.createdAt + timing.pendingMs;
  if (now < startAt || outcome.status === "Pending") {
    return { status: "Pending", remains: q, startCount: 0, charge: order.charge };
  }
  if (outcome.status === "Canceled") return { status: "Canceled", remains: q, startCount, charge: 0 };

  const runMs = runTime(order, timing);
  const finalRemains = outcome.status === "Partial" ? clampRemains(q, outcome.remains) : 0;
  const pinned = outcome.status === "In progress" || outcome.status === "Processing";
  const elapsed = now - startAt;
  if (pinned || elapsed < runMs) {
    let delivered = Math.floor(((q - finalRemains) * Math.min(elapsed, runMs)) / runMs);
    if (pinned) delivered = Math.min(delivered, q - 1);
    const status = pinned ? outcome.status : "In progress";
    return { status, remains: q - delivered, startCount, charge: order.charge };
  }
  if (outcome.status === "Partial" && finalRemains > 0) {
    const charge = roundTo5(mulDiv(order.charge, q - finalRemains, q));
    return { status: "Partial", remains: finalRemains, startCount, charge };
  }
  return { status: "Completed", remains: 0, startCount, charge: order.charge };
}
