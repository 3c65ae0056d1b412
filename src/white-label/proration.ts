import { mulDiv, roundUpToMinor } from "../money/money.ts";
import { periodEnd, type BillingCycle } from "./periods.ts";

interface PlanChangeInput {
  /** What the current period cost (the subscription's price), micro-units. */
  paid: number;
  /** The new plan's price for the new cycle, micro-units (already a whole minor unit). */
  newPrice: number;
  cycle: BillingCycle;
  newCycle: BillingCycle;
  periodStart: Date;
  periodEnd: Date;
  now: Date;
  currency: string;
}

export interface PlanChangeQuote {
  /** `upgrade`: charged now, takes effect now; `downgrade`: nothing moves now, takes effect at the period end. */
  kind: "upgrade" | "downgrade";
  /** What an upgrade books now: a whole minor unit, rounded up; 0 for a downgrade. */
  charge: number;
  /** The value of the rest of the current period at what was paid (micro-units). */
  unused: number;
  secondsLeft: number;
  periodSeconds: number;
  /** The subscription's period after the change: the same one, or a new one from now when the cycle changes. */
  start: Date;
  end: Date;
}

/**
 * The price difference of a plan change for the rest of the period, pro rata by whole seconds left
 * (docs/white-label.md, "Changing plan"). Same cycle: (new − paid) × left / period. A new cycle starts a
 * new period now: the new price less the unused rest of the current one. A positive difference is an
 * upgrade, charged now rounded up to the minor unit; anything else is a downgrade that credits nothing
 * and waits for the period end.
 */
export function quotePlanChange(q: PlanChangeInput): PlanChangeQuote {
  const periodSeconds = Math.max(1, Math.floor((q.periodEnd.getTime() - q.periodStart.getTime()) / 1000));
  const secondsLeft = Math.min(periodSeconds, Math.max(0, Math.floor((q.periodEnd.getTime() - q.now.getTime()) / 1000)));
  const unused = mulDiv(q.paid, secondsLeft, periodSeconds);
  const sameCycle = q.cycle === q.newCycle;
  const difference = sameCycle ? mulDiv(q.newPrice - q.paid, secondsLeft, periodSeconds) : q.newPrice - unused;
  const upgrade = difference > 0;
  const start = upgrade && !sameCycle ? q.now : q.periodStart;
  const end = upgrade && !sameCycle ? periodEnd(q.now, q.newCycle) : q.periodEnd;
  return {
    kind: upgrade ? "upgrade" : "downgrade",
    charge: upgrade ? roundUpToMinor(difference, q.currency) : 0,
    unused,
    secondsLeft,
    periodSeconds,
    start,
    end,
  };
}
