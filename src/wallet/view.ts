import type { Selectable } from "kysely";
import type { PaymentMethodsTable, Transaction } from "../db/schema.ts";
import { formatMoney, formatPercent } from "../money/money.ts";
import { toIso } from "../lib/time.ts";
import type { FeeRule } from "./fees.ts";

export type PaymentMethod = Selectable<PaymentMethodsTable>;

/** A method customers can be shown: it says where to pay (an account number, or instructions for "other"). */
export function methodPayable(m: Pick<PaymentMethod, "type" | "account_number" | "instructions_fr" | "instructions_en">): boolean {
  return m.type === "other" ? Boolean(m.instructions_fr || m.instructions_en) : Boolean(m.account_number);
}

export type TransactionRow = Transaction & { payment_method_name?: string | null; order_uuid?: string | null };

function parseMeta(meta: string | null): Record<string, unknown> | null {
  if (!meta) return null;
  try {
    const v = JSON.parse(meta);
    return v && typeof v === "object" ? v : null;
  } catch {
    return null;
  }
}

/** What staff wrote when verifying a deposit (approve or reject), shown to its owner. */
export function staffNoteOf(meta: string | null): string | null {
  const note = parseMeta(meta)?.note;
  return typeof note === "string" ? note : null;
}

/** A ledger row as its owner sees it: signed amount, and for deposits what was sent and the fee. */
export function transactionView(t: TransactionRow) {
  const meta = parseMeta(t.meta);
  return {
    id: t.id,
    uuid: t.uuid,
    type: t.type,
    status: t.status,
    amount: formatMoney(t.amount),
    fee: formatMoney(t.fee),
    // For a deposit: what the user sent (credited amount + fee).
    gross_amount: t.type === "deposit" ? formatMoney(t.amount + t.fee) : null,
    balance_after: t.balance_after === null || t.status !== "completed" ? null : formatMoney(t.balance_after),
    description: t.description,
    reference: t.reference,
    payment_method: t.payment_method_id ? { id: t.payment_method_id, name: t.payment_method_name ?? null } : null,
    order_uuid: t.order_uuid ?? null,
    phone: typeof meta?.phone === "string" ? meta.phone : null,
    note: staffNoteOf(t.meta),
    verified_at: toIso(t.verified_at),
    created_at: toIso(t.created_at),
    updated_at: toIso(t.updated_at),
  };
}

export function feeRuleView(rule: FeeRule) {
  return {
    percent: formatPercent(rule.percentBp),
    percent_bp: rule.percentBp,
    fixed: formatMoney(rule.fixed),
    min: formatMoney(rule.min),
    max: rule.max === null ? null : formatMoney(rule.max),
  };
}

/** A deposit method as a depositor sees it; min/max are the effective limits (method and settings). */
export function depositMethodView(m: PaymentMethod, fee: FeeRule, limits: { min: number; max: number | null }) {
  return {
    id: m.id,
    code: m.code,
    name: m.name,
    type: m.type,
    currency: m.currency,
    instructions: { fr: m.instructions_fr, en: m.instructions_en },
    account_name: m.account_name,
    account_number: m.account_number,
    min_amount: formatMoney(limits.min),
    max_amount: limits.max === null ? null : formatMoney(limits.max),
    fee: feeRuleView(fee),
  };
}
