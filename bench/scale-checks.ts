// What a load run must leave behind, checked by the bench server when it stops: every order answered 201
// is one row, charged exactly once, the ledger invariant holds, and how far dispatch got.
import { sql } from "kysely";
import type { Db } from "../src/db/database.ts";
import { ledgerViolations } from "../src/wallet/ledger.ts";

export interface OrderRunCheck {
  answered: number;
  rows: number;
  /** Orders with no `order` ledger row, or more than one. */
  notChargedOnce: number;
  /** Orders whose charge differs from what their ledger row took. */
  chargeMismatch: number;
  ledgerViolations: number;
  /** Orders per dispatch state (`sent` when the panel took them). */
  dispatch: Record<string, number>;
  ok: boolean;
}

export async function checkOrderRun(db: Db, answered: number): Promise<OrderRunCheck> {
  const rows = Number(
    (
      await db
        .selectFrom("orders")
        .select((e) => e.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const charges = await db
    .selectFrom("orders")
    .leftJoin("transactions", (j) => j.onRef("transactions.order_id", "=", "orders.id").on("transactions.type", "=", "order"))
    .select([
      "orders.id",
      "orders.charge",
      (e) => e.fn.count<number>("transactions.id").as("entries"),
      (e) => e.fn.sum<number>("transactions.amount").as("taken"),
    ])
    .groupBy(["orders.id", "orders.charge"])
    .having(sql<boolean>`count(transactions.id) <> 1 or -sum(transactions.amount) <> orders.charge`)
    .execute();
  const states = await db
    .selectFrom("orders")
    .select(["dispatch_state", (e) => e.fn.countAll<number>().as("n")])
    .groupBy("dispatch_state")
    .execute();
  const violations = (await ledgerViolations({ db })).length;
  const notChargedOnce = charges.filter((c) => Number(c.entries) !== 1).length;
  const chargeMismatch = charges.length - notChargedOnce;
  return {
    answered,
    rows,
    notChargedOnce,
    chargeMismatch,
    ledgerViolations: violations,
    dispatch: Object.fromEntries(states.map((s) => [s.dispatch_state, Number(s.n)])),
    ok: rows === answered && charges.length === 0 && violations === 0,
  };
}
