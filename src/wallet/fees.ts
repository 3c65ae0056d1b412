import type { Ctx } from "../context.ts";
import { percentOf, roundUpToMinor, type Micro } from "../money/money.ts";
import { PLATFORM_TENANT_ID } from "../tenancy/scoped.ts";

/** A deposit fee rule from `fee_structures`: percentage + fixed part, then bounded by min/max (all micro-units). */
export interface FeeRule {
  id: number | null;
  percentBp: number;
  fixed: Micro;
  min: Micro;
  max: Micro | null;
}

const NO_FEE: FeeRule = Object.freeze({ id: null, percentBp: 0, fixed: 0, min: 0, max: null });

/**
 * fee = clamp(amount × percent + fixed, min, max), then rounded UP to a whole minor unit of the currency
 * (a fee is a charge): on a whole deposit, what is credited (amount − fee) is whole too.
 */
export function depositFee(amount: Micro, rule: FeeRule, currency: string): Micro {
  let fee = percentOf(amount, rule.percentBp) + rule.fixed;
  if (fee < rule.min) fee = rule.min;
  if (rule.max !== null && fee > rule.max) fee = rule.max;
  return roundUpToMinor(Math.max(0, fee), currency);
}

/**
 * The active fee rule of each method: its own structure, else (platform methods only) a structure with no
 * method, which acts as the platform-wide default.
 */
export async function feeRulesFor(ctx: Ctx, methods: { id: number; site_id: number }[]): Promise<Map<number, FeeRule>> {
  const out = new Map<number, FeeRule>();
  if (methods.length === 0) return out;
  const rows = await ctx.db
    .selectFrom("fee_structures")
    .selectAll()
    .where("is_active", "=", 1)
    .where((eb) =>
      eb.or([
        eb(
          "payment_method_id",
          "in",
          methods.map((m) => m.id),
        ),
        eb("payment_method_id", "is", null),
      ]),
    )
    .orderBy("id")
    .execute();
  const toRule = (r: (typeof rows)[number]): FeeRule => ({
    id: r.id,
    percentBp: Number(r.percent_bp),
    fixed: Number(r.fixed_amount),
    min: Number(r.min_amount),
    max: r.max_amount === null ? null : Number(r.max_amount),
  });
  const fallback = rows.find((r) => r.payment_method_id === null);
  for (const m of methods) {
    const own = rows.find((r) => r.payment_method_id === m.id);
    out.set(m.id, own ? toRule(own) : fallback && m.site_id === PLATFORM_TENANT_ID ? toRule(fallback) : NO_FEE);
  }
  return out;
}
