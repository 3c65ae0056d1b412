import type { Ctx } from "../context.ts";
import { Validation } from "../core/errors.ts";
import { formatPercent } from "../money/money.ts";
import { getIntSetting } from "../settings/service.ts";

export const REFERRAL_LEVELS = [1, 2, 3] as const;
type ReferralLevel = (typeof REFERRAL_LEVELS)[number];

const RATE_SETTING = { 1: "referral_level_1_bp", 2: "referral_level_2_bp", 3: "referral_level_3_bp" } as const;

/** The three levels together never pay more than half of what an order earned. */
const MAX_REFERRAL_TOTAL_BP = 5000;

/** Rates in level order, each cut so that the levels above it and itself stay within the cap (a bad stored value never overpays). */
function capRates(rates: readonly number[]): number[] {
  let left = MAX_REFERRAL_TOTAL_BP;
  return rates.map((bp) => {
    const paid = Math.min(Math.max(0, bp), left);
    left -= paid;
    return paid;
  });
}

/** The rate of each level as it is paid: the settings, capped at 50% in all. */
export async function referralRates(ctx: Ctx): Promise<Record<ReferralLevel, number>> {
  const stored: number[] = [];
  for (const level of REFERRAL_LEVELS) stored.push(await getIntSetting(ctx, RATE_SETTING[level]));
  const paid = capRates(stored);
  return { 1: paid[0] ?? 0, 2: paid[1] ?? 0, 3: paid[2] ?? 0 };
}

/** Refuses (422 on `value`) a new rate for one level that would bring the three levels over 50%. */
export async function checkReferralRate(ctx: Ctx, key: string, bp: number): Promise<void> {
  const level = REFERRAL_LEVELS.find((l) => RATE_SETTING[l] === key);
  if (level === undefined) return;
  let total = bp;
  for (const other of REFERRAL_LEVELS) if (other !== level) total += Math.max(0, await getIntSetting(ctx, RATE_SETTING[other]));
  if (total > MAX_REFERRAL_TOTAL_BP)
    throw new Validation({
      value: [`The three referral levels together may pay at most ${formatPercent(MAX_REFERRAL_TOTAL_BP)}% (this change makes ${formatPercent(total)}%)`],
    });
}
