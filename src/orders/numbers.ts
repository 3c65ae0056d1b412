import { sql } from "kysely";
import type { Ctx } from "../context.ts";
import { dialectOf } from "../db/database.ts";
import { prepared } from "../db/prepared.ts";
import { UUID } from "../lib/uuid.ts";
import { forTenant } from "../tenancy/scoped.ts";

/**
 * One order number everywhere (pages, /api/v1, /api/v2, the JSON API, tickets, e-mails): each
 * tenant counts its own orders 1, 2, 3… A site customer's order and the reseller's platform order
 * behind it each take their own tenant's next number.
 */

// Every order takes a number: built once (prepared.ts). The counter row is the one row every order of
// the tenant writes: its lock (MariaDB) is held until commit, so placement takes it last, in one
// statement that also answers the new value (MySQL: LAST_INSERT_ID(expr) comes back as the insert id;
// SQLite: RETURNING; SQLite's write lock, BEGIN IMMEDIATE, already serialises placements).
const bumpCounter = prepared((db, siteId: number) => {
  const scoped = forTenant(db, siteId);
  return dialectOf(db) === "mysql"
    ? scoped
        .insertInto("tenant_counters", { name: "orders", value: sql`LAST_INSERT_ID(1)` as unknown as number })
        .onDuplicateKeyUpdate({ value: sql`LAST_INSERT_ID(value + 1)` })
    : scoped
        .insertInto("tenant_counters", { name: "orders", value: 1 })
        .onConflict((oc) => oc.columns(["site_id", "name"]).doUpdateSet({ value: sql`value + 1` }))
        .returning("value");
});

/** The next order number of `siteId`; call it inside the transaction that inserts the order, as late as it can come. */
async function nextOrderNumber(ctx: Ctx, siteId: number): Promise<number> {
  if (!ctx.db.isTransaction) throw new Error("an order number is allocated inside the order's transaction");
  const res = await bumpCounter.run(ctx.db, siteId);
  const value = ctx.dialect === "mysql" ? Number(res.insertId) : Number((res.rows[0] as { value: number } | undefined)?.value);
  if (!(value > 0)) throw new Error(`no order counter for tenant ${siteId}`);
  return value;
}

// The number written to the order and its ledger row's text: one statement on MySQL (so the counter's
// lock is held for two statements and the commit), two on SQLite (no multi-table UPDATE; one writer anyway).
const writeNumberMysql = prepared((db, number: number, text: string, orderId: number, transactionId: number) =>
  db
    .updateTable(["orders", "transactions"])
    .set("orders.number", number)
    .set("transactions.description", text)
    .where("orders.id", "=", orderId)
    .where("transactions.id", "=", transactionId),
);
const writeOrderNumber = prepared((db, number: number, orderId: number) => db.updateTable("orders").set({ number }).where("id", "=", orderId));
const writeEntryText = prepared((db, text: string, transactionId: number) =>
  db.updateTable("transactions").set({ description: text }).where("id", "=", transactionId),
);

/**
 * Numbers a freshly written order, as the last writes of its transaction: the tenant's next number
 * to the order, and to its ledger row's text (`entryText`). Returns the number.
 */
export async function numberOrder(ctx: Ctx, siteId: number, o: { orderId: number; transactionId: number; entryText: (n: number) => string }): Promise<number> {
  const number = await nextOrderNumber(ctx, siteId);
  const text = o.entryText(number).slice(0, 255);
  if (ctx.dialect === "mysql") await writeNumberMysql.run(ctx.db, number, text, o.orderId, o.transactionId);
  else {
    await writeOrderNumber.run(ctx.db, number, o.orderId);
    await writeEntryText.run(ctx.db, text, o.transactionId);
  }
  return number;
}

/** How a person or a program names an order: its number (`1234` or `#1234`) or, for compatibility, its uuid. */
type OrderRef = { number: number } | { uuid: string };

/** Reads an order reference as typed; null when it is neither a number nor a uuid. */
export function parseOrderRef(raw: string): OrderRef | null {
  const s = raw.trim();
  const m = /^#?\s*(\d{1,15})$/.exec(s);
  if (m) {
    const number = Number(m[1]);
    return number > 0 ? { number } : null;
  }
  return UUID.test(s) ? { uuid: s.toLowerCase() } : null;
}

/** The order as people see it named: `#1234` (a row written outside placement keeps its short uuid). */
export function orderLabel(o: { number: number | null; uuid: string }): string {
  return o.number === null ? `#${o.uuid.slice(0, 8)}` : `#${o.number}`;
}
