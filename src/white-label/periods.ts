import { fromDbTime, toDbTime } from "../lib/time.ts";

export type BillingCycle = "monthly" | "yearly";

/** The end of a billing period that starts at `start` (UTC calendar months; the 31st clamps to the month's last day). */
export function periodEnd(start: Date, cycle: BillingCycle): Date {
  const months = cycle === "yearly" ? 12 : 1;
  const d = new Date(start.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/**
 * The next period when a renewal is paid at `now`. A site that kept serving (active or in grace)
 * continues from its old period end; a suspended site, or one whose old end is more than a whole
 * period ago (the platform was down), starts afresh now — nobody pays for time they did not get.
 */
export function nextPeriod(oldEnd: string, cycle: BillingCycle, status: string, now: Date): { start: string; end: string } {
  const from = fromDbTime(oldEnd);
  // A site that stopped serving (suspended, or its subscription ended canceled) starts a new period now.
  let start = status === "suspended" || status === "canceled" ? now : from;
  if (periodEnd(start, cycle).getTime() <= now.getTime()) start = now;
  return { start: toDbTime(start), end: toDbTime(periodEnd(start, cycle)) };
}
