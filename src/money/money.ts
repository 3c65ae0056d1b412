/**
 * The one place money is parsed, formatted and multiplied.
 * Amounts are integer micro-units: 1 unit of currency = 1,000,000 micro-units.
 */
export const MICRO = 1_000_000;

export type Micro = number;

const DECIMAL = /^(-)?(\d{1,12})(?:\.(\d{1,6}))?$/;

/** "12.5" → 12_500_000. Returns null when the text is not a decimal with at most 6 places. */
export function parseMoney(text: string | number): Micro | null {
  const s = typeof text === "number" ? (Number.isFinite(text) ? numberToDecimal(text) : "") : text.trim();
  const m = DECIMAL.exec(s);
  if (!m) return null;
  const units = Number(m[2]) * MICRO + Number((m[3] ?? "").padEnd(6, "0"));
  // Twelve integer digits overflow 2^53 micro-units: refuse rather than round silently.
  if (!Number.isSafeInteger(units)) return null;
  return m[1] && units !== 0 ? -units : units;
}

function numberToDecimal(n: number): string {
  // Up to 6 decimals, no exponent: JSON clients often send plain numbers.
  const s = n.toFixed(6).replace(/\.?0+$/, "");
  // Float noise (0.1 + 0.2) rounds away; a seventh decimal (12.3456789) is refused like its text, not rounded.
  if (Math.abs(Number(s) - n) > 4 * Number.EPSILON * Math.max(1, Math.abs(n))) return "";
  return s === "-0" ? "0" : s;
}

/** 12_500_000 → "12.5" (trailing zeros trimmed, at least `minDecimals`). */
export function formatMoney(micro: Micro, minDecimals = 2): string {
  const neg = micro < 0;
  const abs = Math.abs(micro);
  const whole = Math.floor(abs / MICRO);
  let frac = String(abs % MICRO).padStart(6, "0").replace(/0+$/, "");
  if (frac.length < minDecimals) frac = frac.padEnd(minDecimals, "0");
  return `${neg ? "-" : ""}${whole}${frac ? "." + frac : ""}`;
}

/** a × b / c rounded half away from zero, exact through BigInt. */
export function mulDiv(a: number, b: number, c: number): Micro {
  if (c === 0) throw new RangeError("division by zero");
  const num = BigInt(a) * BigInt(b);
  const den = BigInt(c);
  const neg = num < 0n !== den < 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  const q = (n * 2n + d) / (2n * d);
  const r = Number(q);
  if (!Number.isSafeInteger(r)) throw new RangeError(`amount out of range: ${a} × ${b} / ${c}`);
  return neg && r !== 0 ? -r : r;
}

/** Charge for `quantity` units at `ratePer1000` micro-units per 1000. */
export function chargeFor(ratePer1000: Micro, quantity: number): Micro {
  return mulDiv(ratePer1000, quantity, 1000);
}

/** amount × (1 + margin), margin in basis points (2500 = 25%). */
export function addMargin(amount: Micro, marginBp: number): Micro {
  return mulDiv(amount, 10_000 + marginBp, 10_000);
}

/** amount × percentage in basis points. */
export function percentOf(amount: Micro, bp: number): Micro {
  return mulDiv(amount, bp, 10_000);
}

/** Converts an amount with an exchange rate scaled by 1,000,000. */
export function convert(amount: Micro, rateMicro: number): Micro {
  return mulDiv(amount, rateMicro, MICRO);
}

export function assertSafe(micro: Micro): Micro {
  if (!Number.isSafeInteger(micro)) throw new RangeError(`amount out of range: ${micro}`);
  return micro;
}

