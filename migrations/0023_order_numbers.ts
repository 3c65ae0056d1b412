import { sql, type Kysely } from "kysely";
import { columnTypes, createTable, index } from "../src/db/migration-helpers.ts";

/**
 * One order number per tenant: `orders.number` counts each tenant's own orders (1, 2, 3… per
 * site_id), allocated in the order's transaction from `tenant_counters` (src/orders/numbers.ts).
 * Existing orders are numbered per tenant by id, and each tenant's counter starts after its last.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const ty = columnTypes(db);
  await createTable(
    db,
    "tenant_counters",
    (t, ty) =>
      t
        .addColumn("site_id", ty.ref, (c) => c.notNull())
        .addColumn("name", ty.str(32), (c) => c.notNull())
        .addColumn("value", "bigint", (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint("tenant_counters_pk", ["site_id", "name"]),
    { id: false, timestamps: false },
  );
  const tables = await db.introspection.getTables();
  const has = tables.find((t) => t.name === "orders")?.columns.some((c) => c.name === "number") ?? false;
  // Null only for a row written outside placement (never by the app once this has run).
  if (!has) await db.schema.alterTable("orders").addColumn("number", "bigint").execute();
  if (ty.mysql) {
    await sql`UPDATE orders o JOIN (SELECT id, ROW_NUMBER() OVER (PARTITION BY site_id ORDER BY id) AS n FROM orders) r ON r.id = o.id SET o.number = r.n WHERE o.number IS NULL`.execute(
      db,
    );
  } else {
    await sql`UPDATE orders SET number = (SELECT r.n FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY site_id ORDER BY id) AS n FROM orders) r WHERE r.id = orders.id) WHERE number IS NULL`.execute(
      db,
    );
  }
  await index(db, "orders", ["site_id", "number"], { unique: true });
  await sql`INSERT INTO tenant_counters (site_id, name, value) SELECT site_id, 'orders', MAX(number) FROM orders GROUP BY site_id`.execute(db);
}

// Also called by migrate:fresh on a database where this migration may never have run.
export async function down(db: Kysely<any>): Promise<void> {
  const tables = await db.introspection.getTables();
  if (tables.find((t) => t.name === "orders")?.columns.some((c) => c.name === "number")) {
    const mysql = columnTypes(db).mysql;
    await (mysql ? db.schema.dropIndex("orders_site_id_number_uq").on("orders") : db.schema.dropIndex("orders_site_id_number_uq").ifExists()).execute();
    await db.schema.alterTable("orders").dropColumn("number").execute();
  }
  await db.schema.dropTable("tenant_counters").ifExists().execute();
}
