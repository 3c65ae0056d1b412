import type { Kysely } from "kysely";
import { columnTypes } from "../src/db/migration-helpers.ts";

/**
 * Providers: when their last error happened (shown with it to admins), and since when a panel is
 * known not to answer batched `status` calls (`orders=`): status sync then asks one order at a time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const ty = columnTypes(db);
  await db.schema.alterTable("api_providers").addColumn("last_error_at", ty.timestamp).execute();
  await db.schema.alterTable("api_providers").addColumn("status_single_since", ty.timestamp).execute();
}

// Also called by migrate:fresh on a database where this migration may never have run.
export async function down(db: Kysely<any>): Promise<void> {
  const tables = await db.introspection.getTables();
  const has = (column: string) => tables.find((t) => t.name === "api_providers")?.columns.some((c) => c.name === column) ?? false;
  if (has("status_single_since")) await db.schema.alterTable("api_providers").dropColumn("status_single_since").execute();
  if (has("last_error_at")) await db.schema.alterTable("api_providers").dropColumn("last_error_at").execute();
}
