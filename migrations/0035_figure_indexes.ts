import type { Kysely } from "kysely";
import { columnTypes, index } from "../src/db/migration-helpers.ts";

/**
 * The admin reads of a large order table (bench: `npm run bench`, 1,000,000 orders): a tenant's
 * orders newest first (the order list) and by status newest first (its filter), and the period
 * figures (statistics/figures.ts) read from the index alone.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await index(db, "orders", ["site_id", "created_at"]);
  await index(db, "orders", ["site_id", "status", "created_at"]);
  await index(db, "orders", ["site_id", "created_at", "charge", "refunded", "provider_cost"]);
}

export async function down(db: Kysely<any>): Promise<void> {
  const { mysql } = columnTypes(db);
  for (const name of ["orders_site_id_created_at_idx", "orders_site_id_status_created_at_idx", "orders_site_id_created_at_charge_refunded_provider_cost_idx"])
    await (mysql ? db.schema.dropIndex(name).on("orders") : db.schema.dropIndex(name).ifExists()).execute();
}
