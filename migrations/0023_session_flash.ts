import type { Kysely } from "kysely";
import { columnTypes } from "../src/db/migration-helpers.ts";

/** A one-time message kept with a session for the page after a redirect (a new API key, shown once): src/auth/flash.ts. */
export async function up(db: Kysely<any>): Promise<void> {
  const ty = columnTypes(db);
  await db.schema.alterTable("sessions").addColumn("flash", ty.text).execute();
}

// Also called by migrate:fresh on a database where this migration may never have run.
export async function down(db: Kysely<any>): Promise<void> {
  const tables = await db.introspection.getTables();
  const has = tables.find((t) => t.name === "sessions")?.columns.some((c) => c.name === "flash") ?? false;
  if (has) await db.schema.alterTable("sessions").dropColumn("flash").execute();
}
