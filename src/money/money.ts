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

/**
 * ISO 4217 exponents that are not 2: how many decimals a currency's minor unit has (XOF, XAF: none,
 * whole francs; KWD: mils). Any other code, known or not, books in hundredths (EUR, USD: cents).
 */
const MINOR_EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

/** Decimals of the currency's minor unit (ISO 4217): XOF 0, EUR 2, KWD 3; 2 for a code not in the table. */
export function minorDecimals(currency: string): number {
  return MINOR_EXPONENTS[currency.trim().toUpperCase()] ?? 2;
}

/** One minor unit of the currency in micro-units: XOF 1_000_000 (1 franc), EUR 10_000 (1 cent). */
export function minorUnitMicro(currency: string): Micro {
  return 10 ** (6 - minorDecimals(currency));
}

/**
 * The one rounding rule of booked money (DESIGN §3): what a user is charged (orders, fees, purchases,
 * renewals) rounds UP to a whole minor unit; what the platform pays out (refunds, commissions) rounds
 * DOWN. So the platform never pays out more than it took, and balances stay whole minor units.
 */
export function roundUpToMinor(micro: Micro, currency: string): Micro {
  const down = roundDownToMinor(micro, currency);
  return down === micro ? micro : assertSafe(down + minorUnitMicro(currency));
}

/** A payout (refund, commission) down to a whole minor unit of the currency: see roundUpToMinor. */
export function roundDownToMinor(micro: Micro, currency: string): Micro {
  const unit = minorUnitMicro(currency);
  // Integer remainder, not a float division: exact up to the largest safe amount, negatives toward −∞.
  return assertSafe(micro - (((micro % unit) + unit) % unit));
}

/** True when the amount is a whole number of the currency's minor unit (10000 XOF yes, 10000.5 XOF no). */
export function isWholeMinor(micro: Micro, currency: string): boolean {
  return Number.isSafeInteger(micro) && micro % minorUnitMicro(currency) === 0;
}

/** ISO 4217 codes this runtime knows (Intl's list): a currency an exchange rate may be set for. */
const ISO_CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

export function isIsoCurrency(code: string): boolean {
  return ISO_CURRENCIES.has(code.toUpperCase());
}

const GROUP_CHAR = /[\s\u00a0\u202f'’]/;

/**
 * An amount as provider panels print it → micro-units, or null when it cannot be read for sure:
 * "0,90", "$0.90", "0.90 USD", "€1,20", "1,234.50", "1 234,50", "1.234,50", 0.8432104 (a JSON
 * number). Past 6 decimals it rounds up in size: a provider cost read a micro-unit high never sells below cost.
 */
export function parseLooseAmount(value: unknown): Micro | null {
  if (typeof value === "number") {
    // Float noise (0.1 + 0.2) reads as the decimal it stands for; a real seventh decimal rounds up below.
    const exact = parseMoney(value);
    if (exact !== null) return exact;
    const text = Number.isFinite(value) ? numberText(value) : "e";
    return /e/i.test(text) ? null : parseLooseAmount(text);
  }
  if (typeof value !== "string") return null;
  let s = value
    .trim()
    .replace(/\p{Sc}/gu, "")
    .trim()
    .replace(/^[A-Za-z]{3}\s*|\s*[A-Za-z]{3}$/g, "")
    .trim();
  if (/^[+-]?\d+(\.\d+)?e[+-]?\d+$/i.test(s)) return parseLooseAmount(Number(s));
  const sign = s.startsWith("-") ? "-" : "";
  if (/^[+-]/.test(s)) s = s.slice(1).trim();
  if (!/^\d[\d.,\s\u00a0\u202f'’]*$/.test(s) || /[.,]\D|[.,]$/.test(s)) return null;

  const spaced = GROUP_CHAR.test(s);
  const dot = s.lastIndexOf(".");
  const comma = s.lastIndexOf(",");
  let decimal: "." | "," | null = null;
  if (dot >= 0 && comma >= 0) decimal = dot > comma ? "." : ",";
  else if (dot >= 0) decimal = s.indexOf(".") === dot ? "." : null;
  else if (comma >= 0) {
    // "1,234" alone is ambiguous: read as 1234, the larger amount, so that a cost is never read 1000× too low.
    const thousands = !spaced && /^[1-9]\d{0,2},\d{3}$/.test(s);
    decimal = s.indexOf(",") === comma && !thousands ? "," : null;
  }
  const at = decimal ? s.lastIndexOf(decimal) : s.length;
  const whole = s.slice(0, at);
  const frac = s.slice(at + 1);
  const groups = whole.split(/[.,\s\u00a0\u202f'’]/);
  if (groups.length > 1 && (!/^\d{1,3}$/.test(groups[0]!) || groups.slice(1).some((g) => !/^\d{3}$/.test(g)))) return null;
  if (!/^\d*$/.test(frac)) return null;
  const digits = groups.join("").replace(/^0+(?=\d)/, "");
  const amount = parseMoney(`${digits}${frac ? `.${frac.slice(0, 6)}` : ""}`);
  if (amount === null) return null;
  const beyond = /[1-9]/.test(frac.slice(6)) ? 1 : 0;
  const size = amount + beyond;
  return sign && size !== 0 ? -size : size;
}

/** A JSON number as the shortest decimal text that reads back to it (no exponent). */
function numberText(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return Math.abs(n) < 1 ? n.toFixed(20).replace(/0+$/, "") : s;
}

/** 12_500_000 → "12.5" (trailing zeros trimmed, at least `minDecimals`). */
export function formatMoney(micro: Micro, minDecimals = 2): string {
  const neg = micro < 0;
  const abs = Math.abs(micro);
  const whole = Math.floor(abs / MICRO);
  let frac = String(abs % MICRO)
    .padStart(6, "0")
    .replace(/0+$/, "");
  if (frac.length < minDecimals) frac = frac.padEnd(minDecimals, "0");
  return `${neg ? "-" : ""}${whole}${frac ? `.${frac}` : ""}`;
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

const PERCENT = /^(\d{1,7})(?:\.(\d{1,2}))?\s*%?$/;

/** A percentage ("12.5", "12.5 %", 12.5) → basis points (1250); null past 2 decimals, negative or unreadable. */
export function parsePercent(value: string | number): number | null {
  const s = typeof value === "number" ? (Number.isFinite(value) ? numberToDecimal(value) : "") : value.trim();
  const m = PERCENT.exec(s);
  return m ? Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0")) : null;
}

/** Basis points as a whole number (1250, "1250") or as a percentage that says so ("12.5%") → basis points, or null. */
export function parseBasisPoints(value: string | number): number | null {
  if (typeof value === "string" && value.trim().endsWith("%")) return parsePercent(value);
  const s = typeof value === "number" ? String(value) : value.trim();
  return /^\d{1,9}$/.test(s) ? Number(s) : null;
}

/** Basis points → a percentage as a decimal string (3000 → "30", 1250 → "12.5", 5 → "0.05"). */
export function formatPercent(bp: number): string {
  return formatMoney(bp * 10_000, 0);
}

/** Converts an amount with an exchange rate scaled by 1,000,000. */
export function convert(amount: Micro, rateMicro: number): Micro {
  return mulDiv(amount, rateMicro, MICRO);
}

export function assertSafe(micro: Micro): Micro {
  if (!Number.isSafeInteger(micro)) throw new RangeError(`amount out of range: ${micro}`);
  return micro;
}

const FORMATS = new Map<string, Intl.NumberFormat>();

function currencyFormat(currency: string, locale: string, kind: "amount" | "rate"): Intl.NumberFormat {
  const id = `${locale}|${currency}|${kind}`;
  let format = FORMATS.get(id);
  if (!format) {
    const decimals = minorDecimals(currency);
    format =
      kind === "amount"
        ? // Whole minor units show as they are; an older balance's sub-unit dust is cut, never shown as money one has not.
          new Intl.NumberFormat(locale, {
            style: "currency",
            currency,
            minimumFractionDigits: decimals,
            maximumFractionDigits: decimals,
            roundingMode: "trunc",
          })
        : // A price per 1000 may keep 2 decimals, rounded up like the charge it leads to.
          new Intl.NumberFormat(locale, {
            style: "currency",
            currency,
            minimumFractionDigits: decimals,
            maximumFractionDigits: Math.max(2, decimals),
            roundingMode: "ceil",
          });
    FORMATS.set(id, format);
  }
  return format;
}

/**
 * Money for reading, by Intl in the reader's locale ("fr-FR", "en-US"): 863 XOF → "863 F CFA" /
 * "F CFA 863", 12.5 EUR → "12,50 €" / "€12.50". A booked `amount` shows the currency's minor unit; a
 * `rate` (price per 1000) up to 2 decimals. A code Intl cannot use is written after the plain decimal.
 */
export function formatCurrency(micro: Micro, currency: string, locale: string, kind: "amount" | "rate" = "amount"): string {
  const code = currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) return `${formatMoney(micro, 0)} ${currency}`.trim();
  // The exact decimal text, not a float: Intl reads numeric strings without loss.
  return currencyFormat(code, locale, kind).format(formatMoney(micro, 0) as `${number}`);
}
