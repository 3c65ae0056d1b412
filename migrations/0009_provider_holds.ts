import type { Kysely } from "kysely";
import { createTable, columnTypes, index } from "../src/db/migration-helpers.ts";

/**
 * Provider holds: when a panel refuses orders for a reason about itself (funds, key, rate limit,
 * maintenance), orders wait in the queue since `orders.held_since` (refunded past a deadline), and
 * the provider has one open incident (`open_provider_id` unique while open, NULL once closed, so
 * two dispatch runs cannot open two) that told the admins once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const ty = columnTypes(db);
  await db.schema.alterTable("orders").addColumn("held_since", ty.timestamp).execute();
  await index(db, "orders", ["dispatch_state", "held_since"]);
  await createTable(db, "provider_incidents", (t) =>
    t
      .addColumn("provider_id", ty.ref, (c) => c.notNull())
      .addColumn("open_provider_id", ty.ref)
      .addColumn("cause", ty.str(20), (c) => c.notNull())
      .addColumn("message", ty.str(500), (c) => c.notNull())
      .addColumn("provider_balance", ty.money)
      .addColumn("provider_currency", ty.str(8))
      .addColumn("opened_at", ty.timestamp, (c) => c.notNull())
      .addColumn("closed_at", ty.timestamp),
  );
  await index(db, "provider_incidents", ["open_provider_id"], { unique: true });
  await index(db, "provider_incidents", ["provider_id"]);
}

// Also called by migrate:fresh on a database where this migration may never have run.
export async function down(db: Kysely<any>): Promise<void> {
  const ty = columnTypes(db);
  await db.schema.dropTable("provider_incidents").ifExists().execute();
  const tables = await db.introspection.getTables();
  if (tables.find((t) => t.name === "orders")?.columns.some((c) => c.name === "held_since")) {
    await (ty.mysql
      ? db.schema.dropIndex("orders_dispatch_state_held_since_idx").on("orders")
      : db.schema.dropIndex("orders_dispatch_state_held_since_idx").ifExists()
    )
      .execute()
      .catch(() => undefined);
    await db.schema.alterTable("orders").dropColumn("held_since").execute();
  }
}
