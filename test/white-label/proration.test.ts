import { describe, expect, it } from "vitest";
import { parseMoney } from "../../src/money/money.ts";
import { quotePlanChange } from "../../src/white-label/proration.ts";

const m = (s: string) => parseMoney(s)!;
const start = new Date("2026-11-24T10:00:00Z");
const end = new Date("2026-12-24T10:00:00Z"); // 30 days
const base = { cycle: "monthly" as const, newCycle: "monthly" as const, periodStart: start, periodEnd: end, currency: "XOF" };

describe("the price difference of a plan change, pro rata by seconds left", () => {
  it("charges the difference for the rest of the period, rounded up to the franc", () => {
    // 20 of 30 days left: (15000 − 5000) × 20/30 = 6666.67 → 6667 F.
    const q = quotePlanChange({ ...base, paid: m("5000"), newPrice: m("15000"), now: new Date("2026-12-04T10:00:00Z") });
    expect(q).toMatchObject({ kind: "upgrade", charge: m("6667"), secondsLeft: 20 * 86_400, periodSeconds: 30 * 86_400 });
    expect(q.start).toEqual(start);
    expect(q.end).toEqual(end);
  });

  it("counts whole seconds: one second left costs one minor unit, never nothing", () => {
    const q = quotePlanChange({ ...base, paid: m("5000"), newPrice: m("15000"), now: new Date(end.getTime() - 1000) });
    expect(q.secondsLeft).toBe(1);
    expect(q.charge).toBe(m("1"));
    const eur = quotePlanChange({ ...base, currency: "EUR", paid: m("5"), newPrice: m("15"), now: new Date(end.getTime() - 1000) });
    expect(eur.charge).toBe(m("0.01"));
  });

  it("charges the whole difference at the start of the period and nothing at its end", () => {
    expect(quotePlanChange({ ...base, paid: m("5000"), newPrice: m("15000"), now: start }).charge).toBe(m("10000"));
    const atEnd = quotePlanChange({ ...base, paid: m("5000"), newPrice: m("15000"), now: end });
    expect(atEnd).toMatchObject({ kind: "downgrade", charge: 0, secondsLeft: 0 });
  });

  it("a cheaper plan is a downgrade: nothing charged, nothing credited, the period kept", () => {
    const q = quotePlanChange({ ...base, paid: m("15000"), newPrice: m("5000"), now: new Date("2026-12-04T10:00:00Z") });
    expect(q).toMatchObject({ kind: "downgrade", charge: 0 });
    expect(q.end).toEqual(end);
  });

  it("a new cycle starts a new period now: the new price less the unused rest of the current one", () => {
    const now = new Date("2026-12-04T10:00:00Z");
    // Monthly 15000 with 20/30 left (10000 unused) → yearly 150000: 140000 now, a year from now.
    const q = quotePlanChange({ ...base, newCycle: "yearly", paid: m("15000"), newPrice: m("150000"), now });
    expect(q).toMatchObject({ kind: "upgrade", charge: m("140000"), unused: m("10000") });
    expect(q.start).toEqual(now);
    expect(q.end).toEqual(new Date("2027-12-04T10:00:00Z"));
    // Yearly → monthly while much of the year is unused: a downgrade at the period end.
    const y = quotePlanChange({
      ...base,
      cycle: "yearly",
      newCycle: "monthly",
      periodEnd: new Date("2027-11-24T10:00:00Z"),
      paid: m("150000"),
      newPrice: m("15000"),
      now,
    });
    expect(y).toMatchObject({ kind: "downgrade", charge: 0 });
  });
});
