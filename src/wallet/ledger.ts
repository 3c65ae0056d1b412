import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import type { TransactionStatus, TransactionType } from "../db/schema.ts";
import { prepared } from "../db/prepared.ts";
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
const takeBalance = prepared((db, amount: number, now: string, userId: number) =>
  db
    .updateTable("users")
    .set({ balance: sql`balance - ${amount}`, updated_at: now })
    .where("id", "=", userId)
    .where("balance", ">=", amount),
);
/** The ledger row, with the user's tenant and balance read by the INSERT itself (one statement, after the balance changed). */
const insertEntry = prepared(
  (
    db,
    uuid: string,
    type: TransactionType,
    amount: number,
    fee: number,
    status: TransactionStatus,
    description: string | null,
    reference: string | null,
    paymentMethodId: number | null,
    orderId: number | null,
    meta: string | null,
    verifiedBy: number | null,
    verifiedAt: string | null,
    now: string,
    userId: number,
  ) =>
    db
      .insertInto("transactions")
      .columns([
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
      ])
      .expression((eb) =>
        eb
          .selectFrom("users")
          .select([
            eb.val(uuid).as("uuid"),
            "users.site_id",
            "users.id",
            eb.val(type).as("type"),
            eb.val(amount).as("amount"),
            eb.val(fee).as("fee"),
            "users.balance",
            eb.val(status).as("status"),
            eb.val(description).as("description"),
            eb.val(reference).as("reference"),
            eb.val(paymentMethodId).as("payment_method_id"),
            eb.val(orderId).as("order_id"),
            eb.val(meta).as("meta"),
            eb.val(verifiedBy).as("verified_by"),
            eb.val(verifiedAt).as("verified_at"),
            eb.val(now).as("created_at"),
            eb.val(now).as("updated_at"),
          ])
          .where("users.id", "=", userId),
      ),
);
const balanceOf = prepared((db, userId: number) => db.selectFrom("users").select("balance").where("id", "=", userId));

/** The ledger row of a balance change the caller has just made in its transaction; `balance_after` is the balance as it now stands. */
async function post(ctx: Ctx, e: LedgerEntry, signed: number, status: TransactionStatus = "completed"): Promise<Omit<Posted, "balanceAfter">> {
  const uuid = randomUUID();
  const now = dbNow(ctx.clock);
  const res = await insertEntry.run(
    ctx.db,
    uuid,
    e.type,
    signed,
    e.fee ?? 0,
    status,
    e.description?.slice(0, 255) ?? null,
    e.reference ?? null,
    e.paymentMethodId ?? null,
    e.orderId ?? null,
    e.meta === undefined ? null : JSON.stringify(e.meta),
    e.verifiedBy ?? null,
    e.verifiedBy ? now : null,
    now,
    e.userId,
  );
  if (Number(res.numAffectedRows) !== 1) throw new Error(`ledger entry for missing user ${e.userId}`);
  return { transactionId: Number(res.insertId), uuid };
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
  return withTransaction(ctx, async (tx) => {
    const { posted } = await debitFor(tx, e, async () => ({ value: null, entry: e }));
    return { ...posted, balanceAfter: await balanceNow(tx, e.userId) };
  });
}

type Payment = Pick<LedgerEntry, "userId" | "amount" | "type">;

/**
 * A debit for a row that the ledger row points to (an order): the conditional UPDATE first — on
 * MySQL its exclusive lock on the payer's row is then what the new rows' foreign keys find held, so
 * two of the payer's transactions never both hold a shared lock and wait to upgrade it (a deadlock) —,
 * then `forWhat` writes that row and says what the ledger row records, then the ledger row, all in
 * one transaction. Throws InsufficientBalance before `forWhat` runs, and nothing is written.
 */
export async function debitFor<T>(
  ctx: Ctx,
  payment: Payment,
  forWhat: (tx: Ctx) => Promise<{ value: T; entry: Omit<LedgerEntry, keyof Payment> }>,
): Promise<{ value: T; posted: Omit<Posted, "balanceAfter"> }> {
  const amount = assertSafe(payment.amount);
  if (amount <= 0) throw new RangeError("debit amount must be positive");
  return withTransaction(ctx, async (tx) => {
    const res = await takeBalance.run(tx.db, amount, dbNow(tx.clock), payment.userId);
    if (Number(res.numAffectedRows) !== 1) throw new InsufficientBalance();
    const { value, entry } = await forWhat(tx);
    return { value, posted: await post(tx, { ...entry, ...payment }, -amount) };
  });
}

async function balanceNow(ctx: Ctx, userId: number): Promise<number> {
  const row = await balanceOf.first(ctx.db, userId);
  if (!row) throw new Error(`no balance for missing user ${userId}`);
  return row.balance;
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
    return { ...(await post(tx, e, amount)), balanceAfter: await balanceNow(tx, e.userId) };
  });
}

/**
 * Credits several entries in one transaction, a batch's refunds: the entries of each user summed into
 * one UPDATE of all the balances (`balance + CASE id …`, never read-modify-write), then one multi-row
 * INSERT of the ledger rows, each with its own `balance_after`: the user's balance as it stands after
 * the UPDATE, less the entries of that user that follow it. Returns each entry's row, in input order.
 */
export async function creditEach(ctx: Ctx, entries: readonly LedgerEntry[]): Promise<Omit<Posted, "transactionId">[]> {
  if (entries.length === 0) return [];
  const perUser = new Map<number, number>();
  for (const e of entries) {
    const amount = assertSafe(e.amount);
    if (amount <= 0) throw new RangeError("credit amount must be positive");
    perUser.set(e.userId, assertSafe((perUser.get(e.userId) ?? 0) + amount));
  }
  const userIds = [...perUser.keys()].sort((a, b) => a - b);
  return withTransaction(ctx, async (tx) => {
    const now = dbNow(tx.clock);
    const added = sql<number>`case id ${sql.join(
      userIds.map((id) => sql`when ${id} then ${perUser.get(id)!}`),
      sql` `,
    )} end`;
    const res = await tx.db
      .updateTable("users")
      .set({ balance: sql`balance + ${added}`, updated_at: now })
      .where("id", "in", userIds)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== userIds.length) throw new Error(`credit to a missing user among ${userIds.join(", ")}`);
    const users = new Map((await tx.db.selectFrom("users").select(["id", "site_id", "balance"]).where("id", "in", userIds).execute()).map((u) => [u.id, u]));
    // Each user's balance before the batch; every entry then adds its amount, in input order.
    const running = new Map(userIds.map((id) => [id, Number(users.get(id)!.balance) - perUser.get(id)!]));
    const rows = entries.map((e) => {
      const balanceAfter = running.get(e.userId)! + e.amount;
      running.set(e.userId, balanceAfter);
      return {
        uuid: randomUUID(),
        site_id: users.get(e.userId)!.site_id,
        user_id: e.userId,
        type: e.type,
        amount: e.amount,
        fee: e.fee ?? 0,
        balance_after: balanceAfter,
        status: "completed" as const,
        description: e.description?.slice(0, 255) ?? null,
        reference: e.reference ?? null,
        payment_method_id: e.paymentMethodId ?? null,
        order_id: e.orderId ?? null,
        meta: e.meta === undefined ? null : JSON.stringify(e.meta),
        verified_by: e.verifiedBy ?? null,
        verified_at: e.verifiedBy ? now : null,
        created_at: now,
        updated_at: now,
      };
    });
    await tx.db.insertInto("transactions").values(rows).execute();
    return rows.map((r) => ({ uuid: r.uuid, balanceAfter: r.balance_after }));
  });
}

/** lockBalance for several users at once, in id order (two batches then wait for each other rather than deadlock). */
export async function lockBalances(ctx: Ctx, userIds: readonly number[]): Promise<void> {
  if (ctx.dialect !== "mysql" || userIds.length === 0) return;
  await ctx.db
    .selectFrom("users")
    .select("id")
    .where(
      "id",
      "in",
      [...new Set(userIds)].sort((a, b) => a - b),
    )
    .orderBy("id")
    .forUpdate()
    .execute();
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
