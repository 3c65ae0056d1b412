import { formatMoney, isIsoCurrency, MICRO, parseMoney, type Micro } from "./money.ts";

/**
 * Exchange rates between the platform currency (XOF) and a site's currency, exact: a rate is what
 * ONE unit of the foreign currency is worth in the platform currency, scaled by 1,000,000 (1 EUR =
 * 655.957 XOF is 655_957_000). Written that way the euro's peg is an exact decimal, where "euros
 * per franc" (0.00152449…) never ends. Conversions divide through BigInt and round in the
 * direction the caller says; nothing here is a float.
 */
export type RateMicro = number;

/** The rate of a currency against itself. */
export const PAR: RateMicro = MICRO;

/** "655.957" → 655_957_000; null when not a positive decimal with at most 6 places (or absurdly large). */
export function parseRate(text: string | number): RateMicro | null {
  const rate = parseMoney(typeof text === "string" ? text.trim().replace(",", ".") : text);
  if (rate === null || rate <= 0 || rate > 1_000_000 * MICRO) return null;
  return rate;
}

/** 655_957_000 → "655.957" (no trailing zeros). */
export function formatRate(rate: RateMicro): string {
  return formatMoney(rate, 0);
}

/** Platform-currency micro-units → the foreign currency's micro-units: amount ÷ rate, rounded UP or DOWN to a micro-unit. */
export function fromPlatform(amount: Micro, rate: RateMicro, direction: "up" | "down"): Micro {
  return divide(BigInt(amount) * BigInt(MICRO), BigInt(rate), direction);
}

/** The foreign currency's micro-units → platform-currency micro-units: amount × rate, rounded UP or DOWN to a micro-unit. */
export function toPlatform(amount: Micro, rate: RateMicro, direction: "up" | "down"): Micro {
  return divide(BigInt(amount) * BigInt(rate), BigInt(MICRO), direction);
}

function divide(num: bigint, den: bigint, direction: "up" | "down"): Micro {
  if (den <= 0n) throw new RangeError("an exchange rate must be positive");
  let q = num / den;
  const r = num % den;
  // BigInt division truncates toward zero: step to the side asked for when something is left.
  if (r !== 0n && direction === "up" && num > 0n) q += 1n;
  if (r !== 0n && direction === "down" && num < 0n) q -= 1n;
  const out = Number(q);
  if (!Number.isSafeInteger(out)) throw new RangeError(`amount out of range: ${num} / ${den}`);
  return out;
}

/** The platform's table of rates: currency code → rate. */
export type RateTable = ReadonlyMap<string, RateMicro>;

/**
 * "EUR=655.957; USD=600" (also with ":" or spaces, one per line or separated by ";" or ",", or a JSON
 * object {"EUR": "655.957"}) → the table; the refusal names the faulty entry.
 */
export function parseRateTable(value: unknown): { table: Map<string, RateMicro> } | { error: string } {
  const table = new Map<string, RateMicro>();
  let entries: [string, unknown][];
  if (value && typeof value === "object" && !Array.isArray(value)) entries = Object.entries(value);
  else if (typeof value === "string") {
    const text = value.trim();
    if (text.startsWith("{")) {
      try {
        return parseRateTable(JSON.parse(text));
      } catch {
        return { error: "Unreadable JSON" };
      }
    }
    entries = [];
    for (const part of text.split(/[;\n]+|,(?=\s*[A-Za-z])/)) {
      if (!part.trim()) continue;
      const m = /^\s*([A-Za-z]{3})\s*[=:\s]\s*([\d.,]+)\s*$/.exec(part);
      if (!m) return { error: `"${part.trim().slice(0, 40)}" is not CODE=rate` };
      entries.push([m[1]!, m[2]!]);
    }
  } else return { error: "Rates as CODE=rate; CODE=rate" };
  for (const [rawCode, rawRate] of entries) {
    const code = rawCode.trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(code) || !isIsoCurrency(code)) return { error: `${rawCode} is not a currency code` };
    const rate = typeof rawRate === "string" || typeof rawRate === "number" ? parseRate(rawRate) : null;
    if (rate === null) return { error: `The rate of ${code} must be a positive decimal with at most 6 decimals` };
    if (table.has(code)) return { error: `${code} is given twice` };
    table.set(code, rate);
  }
  if (table.size > 60) return { error: "At most 60 currencies" };
  return { table };
}

/** The table as stored and shown: "EUR=655.957; USD=600", codes in order. */
export function formatRateTable(table: RateTable): string {
  return [...table.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, rate]) => `${code}=${formatRate(rate)}`)
    .join("; ");
}
