import { parseLooseAmount, type Micro } from "../money/money.ts";
import { canonicalServiceType } from "./service-types.ts";

/** Reading the loose answers of the standard SMM API v2: panels differ in case, types and spelling. */

export type ProviderOrderStatus = "pending" | "in_progress" | "processing" | "completed" | "partial" | "canceled";
export type ProviderRefillStatus = "pending" | "in_progress" | "completed" | "rejected" | "canceled";

const ORDER_STATUS: Record<string, ProviderOrderStatus> = {
  pending: "pending",
  "in progress": "in_progress",
  inprogress: "in_progress",
  processing: "processing",
  completed: "completed",
  complete: "completed",
  partial: "partial",
  canceled: "canceled",
  cancelled: "canceled",
  // A provider that refunded the order delivered nothing we keep: the same as canceled for us.
  refunded: "canceled",
  // Subscriptions (docs/orders.md): running or held by the panel, still open, nothing owed yet.
  active: "in_progress",
  paused: "in_progress",
};

function words(value: unknown): string {
  return String(value ?? "")
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, " ");
}

/** "In progress", "IN_PROGRESS", "Cancelled"… → our status; null when unrecognised. */
export function mapOrderStatus(value: unknown): ProviderOrderStatus | null {
  return ORDER_STATUS[words(value)] ?? null;
}

export function mapRefillStatus(value: unknown): ProviderRefillStatus | null {
  const s = words(value);
  if (s === "pending") return "pending";
  if (s === "in progress" || s === "processing") return "in_progress";
  if (s === "completed" || s === "complete" || s === "success") return "completed";
  if (s === "rejected" || s === "error" || s === "failed") return "rejected";
  if (s === "canceled" || s === "cancelled") return "canceled";
  return null;
}

/**
 * Remains as panels send them: "120", 120, "0", "-15" or "+15" (the last two are over-delivery:
 * nothing remains). Null when absent or unreadable.
 */
export function parseRemains(value: unknown): { remains: number; overDelivered: boolean } | null {
  if (value === null || value === undefined || value === "") return null;
  const s = String(value).trim();
  if (!/^[+-]?\d+(\.\d+)?$/.test(s)) return null;
  const n = Math.trunc(Number(s));
  if (s.startsWith("+") || n < 0) return { remains: 0, overDelivered: n !== 0 };
  return { remains: n, overDelivered: false };
}

/** A provider amount ("0.27819", "0,90", "$1.20", 0.8432104) → micro-units; the money module reads it. */
export function parseProviderAmount(value: unknown): Micro | null {
  return parseLooseAmount(value);
}

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

/** "Likes &amp; Views" → "Likes & Views": panels HTML-escape their names; decoded once, never twice. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (whole, ref: string) => {
    if (ref[0] !== "#") return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
    const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function parseCount(value: unknown): number | null {
  if (value === null || value === undefined || value === "") return null;
  const n = Number(String(value).trim());
  return Number.isFinite(n) ? Math.trunc(n) : null;
}

function parseFlag(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  return ["1", "true", "yes", "on"].includes(
    String(value ?? "")
      .trim()
      .toLowerCase(),
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** One service of a provider's `services` answer. */
export interface ProviderService {
  service: string;
  name: string;
  type: string;
  category: string;
  /** Per 1000 (per package for Package), provider currency, micro-units; null when unreadable, 0 when the panel sent "0.00". */
  rate: Micro | null;
  min: number;
  max: number;
  refill: boolean;
  cancel: boolean;
  dripfeed: boolean;
  description: string | null;
}

/** Reads one catalogue entry; null when it lacks an id or a name. A missing price is for the sync to report. */
export function readProviderService(item: unknown): ProviderService | null {
  if (!isRecord(item)) return null;
  const service = String(item.service ?? item.id ?? "").trim();
  const name = decodeEntities(String(item.name ?? "")).trim();
  const rate = parseProviderAmount(item.rate);
  if (!service || service.length > 64 || !name) return null;
  const min = Math.max(1, parseCount(item.min) ?? 1);
  const max = Math.max(min, parseCount(item.max) ?? min);
  const description = typeof item.desc === "string" ? item.desc : typeof item.description === "string" ? item.description : null;
  return {
    service,
    name: name.slice(0, 255),
    type: canonicalServiceType(String(item.type ?? "Default")).slice(0, 40) || "Default",
    category:
      decodeEntities(String(item.category ?? "Other"))
        .trim()
        .slice(0, 150) || "Other",
    rate: rate !== null && rate < 0 ? null : rate,
    min,
    max,
    refill: parseFlag(item.refill),
    cancel: parseFlag(item.cancel),
    dripfeed: parseFlag(item.dripfeed),
    description,
  };
}

/** One order's state as `status` answers it. */
export interface ProviderOrderState {
  status: ProviderOrderStatus;
  /** Units not delivered; 0 on over-delivery. */
  remains: number | null;
  overDelivered: boolean;
  startCount: number | null;
  /** What the provider charged, in its currency (micro-units), when it says. */
  charge: Micro | null;
  currency: string | null;
}

/**
 * A subscription that expired before all its posts were delivered: what remains is refunded pro
 * rata, like a Partial; nothing remaining is a completion; no remains is a Partial to check by hand.
 */
function expiredStatus(remains: number | null): ProviderOrderStatus {
  return remains === 0 ? "completed" : "partial";
}

/** Reads one order status answer; null when its status is missing or unrecognised. */
export function readOrderState(item: unknown): ProviderOrderState | null {
  if (!isRecord(item)) return null;
  const remains = parseRemains(item.remains);
  const status = words(item.status) === "expired" ? expiredStatus(remains?.remains ?? null) : mapOrderStatus(item.status);
  if (!status) return null;
  return {
    status,
    remains: remains?.remains ?? null,
    overDelivered: remains?.overDelivered ?? false,
    startCount: parseCount(item.start_count),
    charge: parseProviderAmount(item.charge),
    currency: typeof item.currency === "string" ? item.currency : null,
  };
}
