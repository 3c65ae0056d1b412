import { describe, expect, it } from "vitest";
import { formatRate, formatRateTable, fromPlatform, parseRate, parseRateTable, toPlatform } from "../../src/money/exchange.ts";

describe("exact exchange rates (platform currency per unit × 1,000,000)", () => {
  it("reads rates as exact decimals and refuses what is not one", () => {
    expect(parseRate("655.957")).toBe(655_957_000);
    expect(parseRate("0,4")).toBe(400_000);
    expect(parseRate(600)).toBe(600_000_000);
    for (const bad of ["0", "-1", "1e3", "655.9571234", "abc", ""]) expect(parseRate(bad), bad).toBeNull();
    expect(formatRate(655_957_000)).toBe("655.957");
  });

  it("converts through BigInt, rounded in the direction asked, never through a float", () => {
    // 1000 F / 655.957 = 1.524490… €: 1.524491 up, 1.524490 down.
    expect(fromPlatform(1_000_000_000, 655_957_000, "up")).toBe(1_524_491);
    expect(fromPlatform(1_000_000_000, 655_957_000, "down")).toBe(1_524_490);
    // An exact quotient is the same either way.
    expect(fromPlatform(655_957_000_000, 655_957_000, "up")).toBe(1_000_000_000);
    expect(toPlatform(1_000_000, 655_957_000, "down")).toBe(655_957_000);
    // Large amounts stay exact: 9 000 000 000 F.
    expect(fromPlatform(9_000_000_000 * 1_000_000, 655_957_000, "down")).toBe(13_720_411_551_366);
    expect(() => fromPlatform(1, 0, "up")).toThrow(RangeError);
  });

  it("reads the platform's table in either form and names the faulty entry", () => {
    const text = parseRateTable("usd=600; EUR = 655.957\nXAF:1, NGN 0,4");
    expect("table" in text && formatRateTable(text.table)).toBe("EUR=655.957; NGN=0.4; USD=600; XAF=1");
    const json = parseRateTable('{"EUR": "655.957", "GHS": 40}');
    expect("table" in json && formatRateTable(json.table)).toBe("EUR=655.957; GHS=40");
    expect(parseRateTable("EUR=655.957; ZZZ=3")).toEqual({ error: "ZZZ is not a currency code" });
    expect(parseRateTable("EUR=0")).toMatchObject({ error: expect.stringContaining("EUR") });
    expect(parseRateTable("EUR=1; eur=2")).toEqual({ error: "EUR is given twice" });
    expect(parseRateTable(["EUR", 1])).toMatchObject({ error: expect.any(String) });
  });
});
