import type { Ctx } from "../../context.ts";
import { requireUser, withTransaction } from "../../context.ts";
import { formatMoney } from "../../money/money.ts";
import { writeAudit } from "../../audit/audit.ts";
import { notifyLocalized } from "../../notifications/localized.ts";
import { both, notice } from "../../i18n/i18n.ts";
import { moneyParam } from "../../i18n/money.ts";
import { bookingCurrency } from "../../settings/service.ts";
import { requireWholeMinor } from "../../wallet/amounts.ts";
import { credit, debit, type Posted } from "../../wallet/ledger.ts";
import { userOfTenant } from "./service.ts";
import type { AdjustInput } from "./schema.ts";

export interface Adjustment extends Posted {
  userId: number;
  amount: number;
  balanceBefore: number;
}

/**
 * A manual correction of a user's balance, a whole minor unit of the booking currency (else 422): a ledger row of type adjustment (credit, or a conditional debit
 * that never takes the balance below zero), the audit row with before/after, and a notice to the user.
 */
export async function adjustBalance(ctx: Ctx, userId: number, input: AdjustInput): Promise<Adjustment> {
  const staff = requireUser(ctx);
  const currency = await bookingCurrency(ctx);
  requireWholeMinor(input.amount, currency);
  return withTransaction(ctx, async (tx) => {
    const user = await userOfTenant(tx, userId);
    const entry = {
      userId: user.id,
      amount: Math.abs(input.amount),
      type: "adjustment" as const,
      description: input.reason,
      verifiedBy: staff.id,
      meta: { reason: input.reason, admin_id: staff.id },
    };
    const posted = input.amount > 0 ? await credit(tx, entry) : await debit(tx, entry);
    const balanceBefore = posted.balanceAfter - input.amount;
    await writeAudit(tx, {
      action: "user.adjust_balance",
      targetType: "user",
      targetId: user.id,
      data: {
        amount: formatMoney(input.amount),
        reason: input.reason,
        before: formatMoney(balanceBefore),
        after: formatMoney(posted.balanceAfter),
        transaction_uuid: posted.uuid,
      },
    });
    const amount = moneyParam(Math.abs(input.amount), currency);
    await notifyLocalized(tx, user.id, {
      type: "balance_adjusted",
      data: { transaction_uuid: posted.uuid, amount: formatMoney(input.amount) },
      ...notice("balance_adjusted", { direction: both(input.amount > 0 ? "balance.credit" : "balance.debit"), amount, reason: input.reason }),
    });
    return { ...posted, userId: user.id, amount: input.amount, balanceBefore };
  });
}
