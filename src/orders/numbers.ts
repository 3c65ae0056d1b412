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

// Every order takes a number: built once (prepared.ts). The upsert's row lock (MariaDB) or the
// write lock (SQLite, BEGIN IMMEDIATE) serialises concurrent placements until their commit.
const bumpCounter = prepared((db, siteId: number) => {
  const insert = forTenant(db, siteId).insertInto("tenant_counters", { name: "orders", value: 1 });
  return dialectOf(db) === "mysql"
    ? insert.onDuplicateKeyUpdate({ value: sql`value + 1` })
    : insert.onConflict((oc) => oc.columns(["site_id", "name"]).doUpdateSet({ value: sql`value + 1` }));
});
const readCounter = prepared((db, siteId: number) => forTenant(db, siteId).selectFrom("tenant_counters").select("value").where("name", "=", "orders"));

/** The next order number of `siteId`; call it inside the transaction that inserts the order. */
export async function nextOrderNumber(ctx: Ctx, siteId: number): Promise<number> {
  if (!ctx.db.isTransaction) throw new Error("an order number is allocated inside the order's transaction");
  await bumpCounter.run(ctx.db, siteId);
  const row = await readCounter.first(ctx.db, siteId);
  if (!row) throw new Error(`no order counter for tenant ${siteId}`);
  return Number(row.value);
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
