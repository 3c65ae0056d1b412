import { formatMoney, mulDiv, parseMoney, type Micro } from "../money/money.ts";
import { CATEGORY_PLANS, SERVICE_TYPES, type CategoryPlan, type ServiceType } from "./catalog-plans.ts";
import { SimError } from "./errors.ts";

export { PLATFORMS, SERVICE_TYPES, type ServiceType } from "./catalog-plans.ts";

export interface SimService {
  service: number;
  name: string;
  type: ServiceType;
  category: string;
  /** USD per 1000 (per package for Package), at most 5 decimals. */
  rate: Micro;
  min: number;
  max: number;
  refill: boolean;
  cancel: boolean;
  dripfeed: boolean;
}

/** A service as the `services` action answers it. */
interface WireService {
  service: number;
  name: string;
  type: ServiceType;
  category: string;
  rate: string;
  min: string;
  max: string;
  refill: boolean;
  cancel: boolean;
  dripfeed: boolean;
}

const CATALOG_SEED = 20_240_917;

/** mulberry32: small, fast and the same on every machine. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const QUALITIES = [
  ["Bots", 0.55],
  ["Mixed", 0.8],
  ["HQ", 1],
  ["Real", 1.5],
  ["Premium Real", 2.2],
] as const;
const REFILL_TERMS = [
  ["Refill 30 Days", 1.2],
  ["Refill 90 Days", 1.35],
  ["Lifetime Refill", 1.6],
] as const;
const SPEEDS = ["1K/Day", "5K/Day", "20K/Day", "100K/Day", "Instant Start"] as const;
const PACKAGE_TIERS = ["Starter", "Growth", "Pro"] as const;

function pick<L extends readonly [unknown, ...unknown[]]>(items: L, random: () => number): L[number] {
  return items[Math.floor(random() * items.length)] ?? items[0];
}

/** The default catalogue: same services, ids and rates for the same seed. */
export function buildCatalog(seed = CATALOG_SEED): SimService[] {
  const random = seededRandom(seed);
  const services: SimService[] = [];
  let id = 0;
  for (const plan of CATEGORY_PLANS) {
    for (let index = 0; index < plan.count; index++) {
      // Real panels have gaps in their ids; code that confuses index and id should break here.
      id += 1 + (random() < 0.25 ? 1 + Math.floor(random() * 5) : 0);
      services.push(planService(plan, index, id, random));
    }
  }
  return services;
}

function planService(plan: CategoryPlan, index: number, id: number, random: () => number): SimService {
  const [quality, qualityFactor] = pick(QUALITIES, random);
  const refillTerm = plan.refill && random() < 0.6 ? pick(REFILL_TERMS, random) : null;
  const speed = pick(SPEEDS, random);
  const factor = qualityFactor * (refillTerm?.[1] ?? 1) * (0.8 + random() * 0.5);
  const isPackage = plan.type === "Package";
  const max = isPackage ? 1 : Math.max(plan.min * 10, Math.round(plan.max * pick([0.1, 0.5, 1], random)));
  const cancel = random() < 0.55;
  const dripfeed = Boolean(plan.dripfeed) && random() < 0.6;
  const label = isPackage
    ? `${plan.platform} ${PACKAGE_TIERS[index % PACKAGE_TIERS.length]} Package`
    : plan.type === "Default"
      ? plan.category
      : `${plan.category} [${plan.type}]`;
  const parts = [label, quality, refillTerm?.[0] ?? "No Refill", speed];
  if (!isPackage) parts.push(`Max ${shortNumber(max)}`);
  return {
    service: id,
    name: parts.join(" | "),
    type: plan.type,
    category: plan.category,
    rate: rateFromNumber(plan.rate * factor),
    min: isPackage ? 1 : plan.min,
    max,
    refill: refillTerm !== null,
    cancel,
    dripfeed,
  };
}

function shortNumber(n: number): string {
  if (n >= 1_000_000 && n % 1_000_000 === 0) return `${n / 1_000_000}M`;
  if (n >= 1_000 && n % 1_000 === 0) return `${n / 1_000}K`;
  return String(n);
}

function rateFromNumber(usd: number): Micro {
  return parseMoney(Math.max(usd, 0.0001).toFixed(5)) ?? 0;
}

/** Rounds to the 5 decimals panels show. */
export function roundTo5(amount: Micro): Micro {
  return mulDiv(mulDiv(amount, 1, 10), 10, 1);
}

/** "0.84321" → micro-units; refuses negatives and more than 5 decimals. */
export function parseRate(text: string | number): Micro {
  const rate = parseMoney(text);
  if (rate === null || rate <= 0 || roundTo5(rate) !== rate) throw new SimError(`Incorrect rate: ${text}`);
  return rate;
}

/** Amounts as panels print them: always 5 decimals ("100.84292"). */
export function formatAmount(amount: Micro): string {
  return formatMoney(roundTo5(amount), 5);
}

export function formatRate(rate: Micro): string {
  return formatMoney(roundTo5(rate), 2);
}

export function toWireService(s: SimService): WireService {
  return {
    service: s.service,
    name: s.name,
    type: s.type,
    category: s.category,
    rate: formatRate(s.rate),
    min: String(s.min),
    max: String(s.max),
    refill: s.refill,
    cancel: s.cancel,
    dripfeed: s.dripfeed,
  };
}

export function isServiceType(value: string): value is ServiceType {
  return (SERVICE_TYPES as readonly string[]).includes(value);
}
