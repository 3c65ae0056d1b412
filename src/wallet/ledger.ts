import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import type { TransactionStatus, TransactionType } from "../db/schema.ts";
import { prepared, preparedInsert } from "../db/prepared.ts";
import { InsufficientBalance } from "../core/errors.ts";
import { assertSafe } from "../money/money.ts";
import { dbNow } from "../lib/time.ts";

interface LedgerEntry {
  userId: number;
  /** Positive micro-units; the direction comes from the verb. */
  amount: number;
  type: TransactionType;
  description?: string;
  reference?: string | null;
  orderId?: number | null;
  paymentMethodId?: number | null;
  fee?: number;
  meta?: unknown;
  verifiedBy?: number | null;
}

export interface Posted {
  transactionId: number;
  uuid: string;
  balanceAfter: number;
}

// Every order and refund runs these: built once (src/db/prepared.ts).
const balanceOf = prepared((db, userId: number) => db.selectFrom("users").select(["balance", "site_id"]).where("id", "=", userId));
const takeBalance = prepared((db, amount: number, now: string, userId: number) =>
  db
    .updateTable("users")
    .set({ balance: sql`balance - ${amount}`, updated_at: now })
    .where("id", "=", userId)
    .where("balance", ">=", amount),
);
const insertEntry = preparedInsert("transactions", [
  "uuid",
  "site_id",
  "user_id",
  "type",
  "amount",
  "fee",
  "balance_after",
  "status",
  "description",
  "reference",
  "payment_method_id",
  "order_id",
  "meta",
  "verified_by",
  "verified_at",
  "created_at",
  "updated_at",
]);

async function post(ctx: Ctx, e: LedgerEntry, signed: number, status: TransactionStatus = "completed"): Promise<Posted> {
  const balance = await balanceOf.first(ctx.db, e.userId);
  if (!balance) throw new Error(`ledger entry for missing user ${e.userId}`);
  const uuid = randomUUID();
  const now = dbNow(ctx.clock);
  const res = await insertEntry.run(ctx.db, {
    uuid,
    site_id: balance.site_id,
    user_id: e.userId,
    type: e.type,
    amount: signed,
    fee: e.fee ?? 0,
    balance_after: balance.balance,
    status,
    description: e.description?.slice(0, 255) ?? null,
    reference: e.reference ?? null,
    payment_method_id: e.paymentMethodId ?? null,
    order_id: e.orderId ?? null,
    meta: e.meta === undefined ? null : JSON.stringify(e.meta),
    verified_by: e.verifiedBy ?? null,
    verified_at: e.verifiedBy ? now : null,
    created_at: now,
    updated_at: now,
  });
  return { transactionId: Number(res.insertId), uuid, balanceAfter: balance.balance };
}

const lockUser = prepared((db, userId: number) => db.selectFrom("users").select("id").where("id", "=", userId).forUpdate());

/**
 * Takes the user's row lock first, for a transaction that writes rows pointing to the user (an
 * order) before it changes the balance: InnoDB's foreign key check holds a shared lock on that row,
 * which two concurrent transactions cannot both upgrade for the debit (a deadlock). SQLite already
 * runs one writer at a time.
 */
export async function lockBalance(ctx: Ctx, userId: number): Promise<void> {
  if (ctx.dialect === "mysql") await lockUser.all(ctx.db, userId);
}

/**
 * Takes money from a user's balance: one conditional UPDATE (never read-modify-write)
 * and the ledger row, in the same transaction. Throws InsufficientBalance and changes nothing otherwise.
 */
export async function debit(ctx: Ctx, e: LedgerEntry): Promise<Posted> {
  const amount = assertSafe(e.amount);
  if (amount <= 0) throw new RangeError("debit amount must be positive");
  return withTransaction(ctx, async (tx) => {
    const res = await takeBalance.run(tx.db, amount, dbNow(tx.clock), e.userId);
    if (Number(res.numAffectedRows) !== 1) throw new InsufficientBalance();
    return post(tx, e, -amount);
  });
}

/** Adds money to a user's balance with its ledger row, in one transaction. */
export async function credit(ctx: Ctx, e: LedgerEntry): Promise<Posted> {
  const amount = assertSafe(e.amount);
  if (amount <= 0) throw new RangeError("credit amount must be positive");
  return withTransaction(ctx, async (tx) => {
    const res = await tx.db
      .updateTable("users")
      .set({ balance: sql`balance + ${amount}`, updated_at: dbNow(tx.clock) })
      .where("id", "=", e.userId)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new Error(`credit to missing user ${e.userId}`);
    return post(tx, e, amount);
  });
}

/**
 * Completes a pending ledger row (a verified deposit): flips its status with a conditional
 * UPDATE so that a second verification finds nothing to do, then credits the balance.
 * Returns null when the row was not pending.
 */
export async function settlePending(ctx: Ctx, transactionId: number, verifiedBy: number | null): Promise<Posted | null> {
  return withTransaction(ctx, async (tx) => {
    const now = dbNow(tx.clock);
    const flipped = await tx.db
      .updateTable("transactions")
      .set({ status: "completed", verified_by: verifiedBy, verified_at: now, updated_at: now })
      .where("id", "=", transactionId)
      .where("status", "=", "pending")
      .executeTakeFirst();
    if (Number(flipped.numUpdatedRows) !== 1) return null;
    const row = await tx.db.selectFrom("transactions").select(["user_id", "amount", "uuid"]).where("id", "=", transactionId).executeTakeFirstOrThrow();
    await tx.db
      .updateTable("users")
      .set({ balance: sql`balance + ${row.amount}`, updated_at: now })
      .where("id", "=", row.user_id)
      .execute();
    const after = await tx.db.selectFrom("users").select("balance").where("id", "=", row.user_id).executeTakeFirstOrThrow();
    await tx.db.updateTable("transactions").set({ balance_after: after.balance }).where("id", "=", transactionId).execute();
    return { transactionId, uuid: row.uuid, balanceAfter: after.balance };
  });
}

/** Users whose balance differs from the sum of their completed ledger rows, or is negative. */
export async function ledgerViolations(ctx: Pick<Ctx, "db">): Promise<{ user_id: number; balance: number; ledger: number }[]> {
  const rows = await ctx.db
    .selectFrom("users")
    .leftJoin(
      (eb) =>
        eb
          .selectFrom("transactions")
          .select(["user_id", (e) => e.fn.sum<number>("amount").as("total")])
          .where("status", "=", "completed")
          .groupBy("user_id")
          .as("l"),
      (j) => j.onRef("l.user_id", "=", "users.id"),
    )
    .select(["users.id as user_id", "users.balance", "l.total"])
    .execute();
  return rows
    .map((r) => ({ user_id: r.user_id, balance: Number(r.balance), ledger: Number(r.total ?? 0) }))
    .filter((r) => r.balance !== r.ledger || r.balance < 0);
}
