import type { Kysely } from "kysely";
import { columnTypes } from "../src/db/migration-helpers.ts";

/** When a session was last used, so a user can tell their devices apart; existing sessions count from their creation. */
export async function up(db: Kysely<any>): Promise<void> {
  const ty = columnTypes(db);
  await db.schema.alterTable("sessions").addColumn("last_seen_at", ty.timestamp).execute();
  await db
    .updateTable("sessions")
    .set((eb) => ({ last_seen_at: eb.ref("created_at") }))
    .where("last_seen_at", "is", null)
    .execute();
}

// Also called by migrate:fresh on a database where this migration may never have run.
export async function down(db: Kysely<any>): Promise<void> {
  const tables = await db.introspection.getTables();
  const has = tables.find((t) => t.name === "sessions")?.columns.some((c) => c.name === "last_seen_at") ?? false;
  if (has) await db.schema.alterTable("sessions").dropColumn("last_seen_at").execute();
}
