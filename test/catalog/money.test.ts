import { describe, expect, it } from "vitest";
import { seeded } from "./random.ts";
import {
  addMargin,
  chargeFor,
  convert,
  formatCurrency,
  formatMoney,
  formatPercent,
  isIsoCurrency,
  isWholeMinor,
  minorDecimals,
  minorUnitMicro,
  mulDiv,
  parseBasisPoints,
  parseLooseAmount,
  parseMoney,
  parsePercent,
  percentOf,
  roundDownToMinor,
  roundUpToMinor,
} from "../../src/money/money.ts";
import { plainSpaces } from "../harness/money.ts";

/** Exact a×b/c rounded half away from zero, the slow way, as the reference. */
function reference(a: number, b: number, c: number): number {
  const num = BigInt(a) * BigInt(b);
  const den = BigInt(c);
  const neg = num < 0n !== den < 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  let q = n / d;
  if ((n % d) * 2n >= d) q += 1n;
  return Number(neg ? -q : q);
}

describe("money: provider amounts as panels print them", () => {
  it("reads decimal commas, symbols, codes and thousands separators", () => {
    const cases: [string, number][] = [
      ["0,90", 900_000],
      ["1,234.50", 1_234_500_000],
      ["$0.90", 900_000],
      ["0.90 USD", 900_000],
      ["€1,20", 1_200_000],
      ["1 234,50", 1_234_500_000],
      ["1.234,50", 1_234_500_000],
      ["1\u00a0234,5", 1_234_500_000],
      ["1'234.50", 1_234_500_000],
      ["USD 3", 3_000_000],
      ["1,234,567", 1_234_567_000_000],
      ["1.234.567,5", 1_234_567_500_000],
      ["0.27819", 278_190],
      [" 12 ", 12_000_000],
    ];
    for (const [text, micro] of cases) expect(parseLooseAmount(text), text).toBe(micro);
  });

  it('reads an ambiguous "1,234" as the larger amount, so a cost is never read 1000× too low', () => {
    expect(parseLooseAmount("1,234")).toBe(1_234_000_000);
    expect(parseLooseAmount("0,234")).toBe(234_000);
    expect(parseLooseAmount("1.234")).toBe(1_234_000);
  });

  it("rounds past six decimals up, never down, and reads float noise as its decimal", () => {
    expect(parseLooseAmount(0.9000004)).toBe(900_001);
    expect(parseLooseAmount("0.8432104")).toBe(843_211);
    expect(parseLooseAmount("1.2345670000")).toBe(1_234_567);
    expect(parseLooseAmount(1e-7)).toBe(1);
    expect(parseLooseAmount(0.1 + 0.2)).toBe(300_000);
    expect(parseLooseAmount("0.00")).toBe(0);
  });

  it("refuses what it cannot read for sure", () => {
    for (const bad of ["", "free", "1,2,3", "12,34,567", "1.2.3,4,5", "5.", ".5", "1 2", "--1", "0x10", "1e400"]) expect(parseLooseAmount(bad), bad).toBeNull();
    for (const bad of [Number.NaN, Infinity, 1e21, null, undefined, true, {}]) expect(parseLooseAmount(bad)).toBeNull();
  });

  it("knows the ISO 4217 currencies", () => {
    for (const code of ["USD", "EUR", "XOF", "INR", "NGN", "inr"]) expect(isIsoCurrency(code), code).toBe(true);
    for (const code of ["XYZ", "US", "ABCD", ""]) expect(isIsoCurrency(code), code).toBe(false);
  });
});

describe("money: parsing and formatting", () => {
  it("parses decimals with up to six places into micro-units", () => {
    expect(parseMoney("12.5")).toBe(12_500_000);
    expect(parseMoney(" 0.000001 ")).toBe(1);
    expect(parseMoney("-3.25")).toBe(-3_250_000);
    expect(parseMoney(100)).toBe(100_000_000);
    expect(parseMoney(0.1 + 0.2)).toBe(300_000);
  });

  it("refuses what is not a plain decimal", () => {
    for (const bad of ["", "abc", "1,5", "1e5", "0.0000001", "+5", ".5", "5.", "--1", "1.2.3"]) expect(parseMoney(bad), bad).toBeNull();
    expect(parseMoney(Number.NaN)).toBeNull();
    expect(parseMoney(Infinity)).toBeNull();
  });

  it("refuses amounts too large to hold exactly instead of rounding them", () => {
    expect(parseMoney("999999999999")).toBeNull();
    expect(parseMoney("9000000000")).toBe(9_000_000_000_000_000);
  });

  it("never produces a negative zero", () => {
    expect(Object.is(parseMoney("-0"), 0)).toBe(true);
    expect(Object.is(parseMoney("-0.000000"), 0)).toBe(true);
    expect(Object.is(mulDiv(-1, 1, 10), 0)).toBe(true);
  });

  it("formats with at least two decimals and without trailing zeros", () => {
    expect(formatMoney(12_500_000)).toBe("12.50");
    expect(formatMoney(1)).toBe("0.000001");
    expect(formatMoney(-3_250_000)).toBe("-3.25");
    expect(formatMoney(5_000_000, 0)).toBe("5");
  });

  it("format then parse gives back the same amount (2000 random amounts)", () => {
    const r = seeded(1);
    for (let i = 0; i < 2000; i++) {
      const amount = r.int(-1e15, 1e15);
      const text = formatMoney(amount);
      expect(text).toMatch(/^-?\d+\.\d{2,6}$/);
      expect(parseMoney(text)).toBe(amount);
    }
  });
});

describe("money: percentages and basis points", () => {
  it("reads a percentage with at most two decimals, with or without its sign, into basis points", () => {
    const read: [string | number, number][] = [
      ["30", 3000],
      ["12.5", 1250],
      ["12.5%", 1250],
      [" 12.5 % ", 1250],
      ["0.05", 5],
      [12.5, 1250],
      [0, 0],
      ["1000", 100_000],
    ];
    for (const [text, bp] of read) expect(parsePercent(text), String(text)).toBe(bp);
    for (const bad of ["", "%", "-1", "12.345", "1,5", "1e2", "twelve", "12.5%%", Number.NaN, -1, 12.345]) expect(parsePercent(bad), String(bad)).toBeNull();
  });

  it("reads basis points as a whole number, or as a percentage only when it says so", () => {
    expect(parseBasisPoints("1250")).toBe(1250);
    expect(parseBasisPoints(1250)).toBe(1250);
    expect(parseBasisPoints("12.5%")).toBe(1250);
    for (const bad of ["12.5", "-5", "1e3", "thirty", "5%%"]) expect(parseBasisPoints(bad), bad).toBeNull();
  });

  it("formats basis points as the percentage they stand for, and reads it back", () => {
    expect([3000, 1250, 5, 0, 100_000].map(formatPercent)).toEqual(["30", "12.5", "0.05", "0", "1000"]);
    for (let bp = 0; bp <= 20_000; bp += 7) expect(parsePercent(formatPercent(bp))).toBe(bp);
  });
});

describe("money: arithmetic", () => {
  it("mulDiv rounds half away from zero, exactly (5000 random cases)", () => {
    const r = seeded(2);
    for (let i = 0; i < 5000; i++) {
      const a = r.int(-1e9, 1e9);
      const b = r.int(-1e6, 1e6);
      const c = r.int(1, 1e6) * (r.next() < 0.1 ? -1 : 1);
      expect(mulDiv(a, b, c), `${a}*${b}/${c}`).toBe(reference(a, b, c));
    }
    expect(mulDiv(1, 1, 2)).toBe(1);
    expect(mulDiv(-1, 1, 2)).toBe(-1);
    expect(() => mulDiv(1, 1, 0)).toThrow(RangeError);
  });

  it("refuses results beyond exact integers instead of returning a wrong amount", () => {
    expect(() => mulDiv(Number.MAX_SAFE_INTEGER, 10, 1)).toThrow(RangeError);
  });

  it("charge is an integer, grows with quantity and is the rate for 1000 units", () => {
    const r = seeded(3);
    for (let i = 0; i < 500; i++) {
      const rate = r.int(1, 50_000_000_000);
      let previous = 0;
      for (const q of [1, 2, 9, 10, 99, 100, 999, 1000, 1001, 12_345, 1_000_000]) {
        const charge = chargeFor(rate, q);
        expect(Number.isSafeInteger(charge)).toBe(true);
        expect(charge).toBeGreaterThanOrEqual(previous);
        previous = charge;
      }
      expect(chargeFor(rate, 1000)).toBe(rate);
      expect(chargeFor(rate, 0)).toBe(0);
    }
  });

  it("a non-negative margin or percentage never lowers an amount below what it started from", () => {
    const r = seeded(4);
    for (let i = 0; i < 2000; i++) {
      const amount = r.int(0, 1e12);
      const bp = r.int(0, 100_000);
      expect(addMargin(amount, bp)).toBeGreaterThanOrEqual(amount);
      expect(percentOf(amount, bp)).toBeGreaterThanOrEqual(0);
      expect(percentOf(amount, 10_000)).toBe(amount);
    }
  });

  it("converts with a rate scaled by one million", () => {
    expect(convert(1_000_000, 600_000_000)).toBe(600_000_000);
    expect(convert(4_000, 655_957_000)).toBe(2_623_828);
  });
});

describe("money: the currency's minor unit (ISO 4217)", () => {
  it("knows that XOF and XAF have none, EUR and USD cents, KWD mils, and gives 2 decimals to an unknown code", () => {
    expect([minorDecimals("XOF"), minorDecimals("XAF"), minorDecimals("EUR"), minorDecimals("USD"), minorDecimals("KWD"), minorDecimals("ZZZ")]).toEqual([
      0, 0, 2, 2, 3, 2,
    ]);
    expect([minorUnitMicro("XOF"), minorUnitMicro("eur"), minorUnitMicro("KWD")]).toEqual([1_000_000, 10_000, 1_000]);
  });

  it("charges round up and payouts round down to a whole minor unit; whole amounts stay as they are", () => {
    expect(roundUpToMinor(862_742_400, "XOF")).toBe(863_000_000);
    expect(roundDownToMinor(862_742_400, "XOF")).toBe(862_000_000);
    expect(roundUpToMinor(862_742_400, "EUR")).toBe(862_750_000);
    expect(roundDownToMinor(862_742_400, "EUR")).toBe(862_740_000);
    expect(roundUpToMinor(863_000_000, "XOF")).toBe(863_000_000);
    expect(roundDownToMinor(863_000_000, "XOF")).toBe(863_000_000);
    expect(roundUpToMinor(1, "XOF")).toBe(1_000_000);
    expect(roundDownToMinor(999_999, "XOF")).toBe(0);
    expect(roundUpToMinor(0, "XOF")).toBe(0);
    expect(roundDownToMinor(-1, "XOF")).toBe(-1_000_000);
    expect([
      isWholeMinor(10_000_000_000, "XOF"),
      isWholeMinor(10_000_500_000, "XOF"),
      isWholeMinor(10_000_500_000, "EUR"),
      isWholeMinor(12_345_000, "EUR"),
    ]).toEqual([true, false, true, false]);
  });

  it("rounding is exact up to the largest safe amount, and never moves by a whole unit or more (random amounts)", () => {
    const r = seeded(21);
    for (let i = 0; i < 5000; i++) {
      const amount = r.next() < 0.1 ? Number.MAX_SAFE_INTEGER - r.int(1_000_000, 9_999_999) : r.int(0, 1e15);
      for (const currency of ["XOF", "EUR", "KWD"]) {
        const unit = minorUnitMicro(currency);
        const up = roundUpToMinor(amount, currency);
        const down = roundDownToMinor(amount, currency);
        expect(isWholeMinor(up, currency) && isWholeMinor(down, currency)).toBe(true);
        expect(down <= amount && amount <= up).toBe(true);
        expect(up - down).toBe(amount % unit === 0 ? 0 : unit);
      }
    }
  });

  it("formats with Intl in the reader's locale: whole francs, cents, and prices per 1000 with 2 decimals", () => {
    expect(plainSpaces(formatCurrency(863_000_000, "XOF", "fr-FR"))).toBe("863 F CFA");
    expect(plainSpaces(formatCurrency(863_000_000, "XOF", "en-US"))).toBe("F CFA 863");
    expect(plainSpaces(formatCurrency(5_355_019_560, "XOF", "fr-FR"))).toBe("5 355 F CFA");
    expect(plainSpaces(formatCurrency(12_500_000, "EUR", "fr-FR"))).toBe("12,50 €");
    expect(formatCurrency(12_500_000, "EUR", "en-US")).toBe("€12.50");
    expect(plainSpaces(formatCurrency(862_742_400, "XOF", "fr-FR", "rate"))).toBe("862,75 F CFA");
    expect(plainSpaces(formatCurrency(1_000_000_000, "XOF", "fr-FR", "rate"))).toBe("1 000 F CFA");
    expect(plainSpaces(formatCurrency(-1_500_000_000, "XAF", "fr-FR"))).toBe("-1 500 FCFA");
    // A code Intl cannot use is written after the plain decimal.
    expect(formatCurrency(1_500_000, "F-CFA", "fr-FR")).toBe("1.5 F-CFA");
  });
});
