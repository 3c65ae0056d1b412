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
// the tenant writes: its lock (MariaDB) is held until commit, so it is taken last, in one statement that
// moves it by `by` (a batch of orders) and answers the new value (MySQL: LAST_INSERT_ID(expr) comes back
// as the insert id; SQLite: RETURNING; SQLite's write lock, BEGIN IMMEDIATE, already serialises writers).
const bumpCounter = prepared((db, siteId: number, by: number) => {
  const scoped = forTenant(db, siteId);
  return dialectOf(db) === "mysql"
    ? scoped
        .insertInto("tenant_counters", { name: "orders", value: sql`LAST_INSERT_ID(${by})` as unknown as number })
        .onDuplicateKeyUpdate({ value: sql`LAST_INSERT_ID(value + ${by})` })
    : scoped
        .insertInto("tenant_counters", { name: "orders", value: by })
        .onConflict((oc) => oc.columns(["site_id", "name"]).doUpdateSet({ value: sql`value + ${by}` }))
        .returning("value");
});

/**
 * Reserves the next `count` order numbers of `siteId` and answers the last of them; call it inside the
 * transaction that writes them, as late as it can come. Gap-free: the counter moves only with the numbers.
 */
export async function reserveOrderNumbers(ctx: Ctx, siteId: number, count: number): Promise<number> {
  if (!ctx.db.isTransaction) throw new Error("order numbers are reserved inside the transaction that writes them");
  const res = await bumpCounter.run(ctx.db, siteId, count);
  const value = ctx.dialect === "mysql" ? Number(res.insertId) : Number((res.rows[0] as { value: number } | undefined)?.value);
  if (!(value >= count)) throw new Error(`no order counter for tenant ${siteId}`);
  return value;
}

/** The ledger row of an order's charge, before its number is known: `numberedEntryText` adds the number. */
export const orderEntryText = (serviceName: string): string => `Order: ${serviceName}`.slice(0, 255);

/** The ledger row's text once the order has its number: `Order #N: <service>`; any other text stays as it is. */
export function numberedEntryText(text: string, number: number): string {
  return text.startsWith("Order: ") ? `Order #${number}: ${text.slice("Order: ".length)}`.slice(0, 255) : text;
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
 * Numbers a freshly written order in its own transaction, as its last writes: the tenant's next
 * number to the order, and to its ledger row's text (`entryText`, as `orderEntryText` wrote it).
 * Used where placement numbers in its transaction (SQLite, or a placement inside a caller's
 * transaction); MariaDB placements are numbered after commit, in batches (numbering.ts).
 */
export async function numberOrder(ctx: Ctx, siteId: number, o: { orderId: number; transactionId: number; entryText: string }): Promise<number> {
  const number = await reserveOrderNumbers(ctx, siteId, 1);
  const text = numberedEntryText(o.entryText, number);
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

/**
 * The order as people see it named: `#1234`; an order not numbered yet (MariaDB numbers orders just after
 * their placement commits; a crash in between leaves them to the sweep) or a row written outside
 * placement shows its short uuid.
 */
export function orderLabel(o: { number: number | null; uuid: string }): string {
  return o.number === null ? `#${o.uuid.slice(0, 8)}` : `#${o.number}`;
}
