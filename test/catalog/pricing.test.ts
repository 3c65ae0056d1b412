import { describe, expect, it } from "vitest";
import {
  baseRate,
  isHiddenOnSite,
  orderCharge,
  orderCost,
  partialRefund,
  proRata,
  platformRate,
  refundable,
  siteRate,
  totalQuantity,
  userRate,
} from "../../src/pricing/pricing.ts";
import { isWholeMinor, minorUnitMicro } from "../../src/money/money.ts";
import { seeded } from "./random.ts";

describe("pricing: from provider rate to the prices users pay", () => {
  it("converts the provider rate, then adds the platform margin", () => {
    // 0.9 USD per 1000 at 600 XOF per USD, 30% margin → 540 → 702 XOF per 1000.
    const base = baseRate(900_000, 600_000_000);
    expect(base).toBe(540_000_000);
    expect(platformRate(base, 3000)).toBe(702_000_000);
  });

  it("a service's own margin wins over the platform margin, even when it is zero", () => {
    expect(platformRate(1_000_000, 3000, 1000)).toBe(1_100_000);
    expect(platformRate(1_000_000, 3000, 0)).toBe(1_000_000);
    expect(platformRate(1_000_000, 3000, null)).toBe(1_300_000);
  });

  it("a user's custom price replaces the platform price", () => {
    expect(userRate(1_300_000, 1_100_000)).toBe(1_100_000);
    expect(userRate(1_300_000, null)).toBe(1_300_000);
  });

  it("a site's fixed price beats its margin, a service rule beats a category rule", () => {
    const cost = 1_000_000;
    expect(siteRate(cost, 2000)).toBe(1_200_000);
    expect(siteRate(cost, 2000, null, { marginBp: 5000, fixedRate: null })).toBe(1_500_000);
    expect(siteRate(cost, 2000, { marginBp: 1000, fixedRate: null }, { marginBp: 5000, fixedRate: null })).toBe(1_100_000);
    expect(siteRate(cost, 2000, { marginBp: null, fixedRate: 1_750_000 }, { marginBp: 5000, fixedRate: null })).toBe(1_750_000);
    expect(isHiddenOnSite(null, { marginBp: null, fixedRate: null, hidden: true })).toBe(true);
  });

  it("non-negative margins never sell below cost, at any level of the chain (random rates)", () => {
    const r = seeded(10);
    for (let i = 0; i < 3000; i++) {
      const providerRate = r.int(1, 100_000_000);
      const exchange = r.int(1, 1_000_000_000);
      const base = baseRate(providerRate, exchange);
      const platform = platformRate(base, r.int(0, 100_000), r.next() < 0.3 ? r.int(0, 50_000) : null);
      expect(platform).toBeGreaterThanOrEqual(base);
      const rule = () => (r.next() < 0.5 ? { marginBp: r.int(0, 50_000), fixedRate: null } : null);
      expect(siteRate(platform, r.int(0, 50_000), rule(), rule())).toBeGreaterThanOrEqual(platform);
    }
  });

  it("a higher provider rate or exchange rate never lowers the base rate", () => {
    const r = seeded(11);
    for (let i = 0; i < 2000; i++) {
      const rate = r.int(1, 1e8);
      const fx = r.int(1, 1e9);
      expect(baseRate(rate + r.int(0, 1000), fx)).toBeGreaterThanOrEqual(baseRate(rate, fx));
      expect(baseRate(rate, fx + r.int(0, 1000))).toBeGreaterThanOrEqual(baseRate(rate, fx));
    }
  });
});

describe("pricing: order charges and refunds", () => {
  it("a package costs its flat rate; drip-feed charges every run", () => {
    expect(orderCharge(5_000_000, 1, "XOF", { type: "Package" })).toBe(5_000_000);
    expect(orderCharge(2_000_000, 500, "XOF", { runs: 3 })).toBe(3_000_000);
    expect(totalQuantity(500, 1)).toBe(500);
    expect(orderCost(1_000, 1)).toBe(1);
    expect(orderCost(400, 1)).toBe(0);
  });

  it("a charge rounds up to a whole minor unit of the currency: 862.7424 XOF books 863, EUR to the cent", () => {
    // 862.7424 per 1000, 1000 units.
    expect(orderCost(862_742_400, 1000)).toBe(862_742_400);
    expect(orderCharge(862_742_400, 1000, "XOF")).toBe(863_000_000);
    expect(orderCharge(862_742_400, 1000, "XAF")).toBe(863_000_000);
    expect(orderCharge(862_742_400, 1000, "EUR")).toBe(862_750_000);
    expect(orderCharge(862_742_400, 1000, "USD")).toBe(862_750_000);
    // An exact franc stays as it is; the smallest order is one whole minor unit, never zero.
    expect(orderCharge(1_000_000_000, 1000, "XOF")).toBe(1_000_000_000);
    expect(orderCharge(1_000, 1, "XOF")).toBe(1_000_000);
    expect(orderCharge(1_000, 1, "EUR")).toBe(10_000);
    expect(orderCharge(5_000_500, 1, "XOF", { type: "Package" })).toBe(6_000_000);
  });

  it("the charge is a whole minor unit that never decreases as quantity grows (random rates)", () => {
    const r = seeded(12);
    for (const currency of ["XOF", "EUR"]) {
      for (let i = 0; i < 300; i++) {
        const rate = r.int(1, 10_000_000_000);
        let previous = -1;
        for (let q = 1; q < 5000; q += r.int(1, 400)) {
          const charge = orderCharge(rate, q, currency);
          expect(isWholeMinor(charge, currency)).toBe(true);
          expect(charge).toBeGreaterThanOrEqual(orderCost(rate, q));
          expect(charge - orderCost(rate, q)).toBeLessThan(minorUnitMicro(currency));
          expect(charge).toBeGreaterThanOrEqual(previous);
          previous = charge;
        }
      }
    }
  });

  it("a partial refund is the pro-rata share rounded down, between nothing and the whole charge", () => {
    expect(partialRefund(1_000_000_000, 250, 1000, "XOF")).toBe(250_000_000);
    // 863 × 1/3 = 287.67 → 287 francs, 287.66 euros.
    expect(partialRefund(863_000_000, 1, 3, "XOF")).toBe(287_000_000);
    expect(partialRefund(863_000_000, 1, 3, "EUR")).toBe(287_660_000);
    expect(partialRefund(1_000_000, 0, 1000, "XOF")).toBe(0);
    expect(partialRefund(1_000_000, -15, 1000, "XOF")).toBe(0);
    expect(partialRefund(863_000_000, 5000, 1000, "XOF")).toBe(863_000_000);
    // An older charge with sub-franc dust: all undelivered returns it exactly, a share rounds down.
    expect(partialRefund(862_742_400, 1000, 1000, "XOF")).toBe(862_742_400);
    expect(partialRefund(862_742_400, 999, 1000, "XOF")).toBe(861_000_000);
    const r = seeded(13);
    for (let i = 0; i < 3000; i++) {
      const currency = r.next() < 0.5 ? "XOF" : "EUR";
      const quantity = r.int(1, 1_000_000);
      const charge = orderCharge(r.int(1, 10_000_000_000), quantity, currency);
      const remains = r.int(-100, quantity + 100);
      const refund = partialRefund(charge, remains, quantity, currency);
      expect(isWholeMinor(refund, currency)).toBe(true);
      expect(refund).toBeGreaterThanOrEqual(0);
      expect(refund).toBeLessThanOrEqual(charge);
      expect(refund).toBeLessThanOrEqual(proRata(charge, remains, quantity));
      expect(partialRefund(charge, Math.min(quantity, remains + 1), quantity, currency)).toBeGreaterThanOrEqual(refund);
    }
  });

  it("whatever refunds follow one another, together they never exceed the charge", () => {
    const r = seeded(14);
    for (let i = 0; i < 2000; i++) {
      const quantity = r.int(1, 100_000);
      const charge = orderCharge(r.int(1, 5_000_000_000), quantity, "XOF");
      let refunded = 0;
      for (let step = 0; step < 4; step++) {
        const wanted = r.next() < 0.5 ? partialRefund(charge, r.int(0, quantity), quantity, "XOF") : charge;
        const due = refundable(charge, refunded, wanted);
        expect(due).toBeGreaterThanOrEqual(0);
        refunded += due;
        expect(refunded).toBeLessThanOrEqual(charge);
      }
      refunded += refundable(charge, refunded, charge);
      expect(refunded).toBe(charge);
    }
  });
});
