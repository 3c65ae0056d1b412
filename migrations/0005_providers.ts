import type { Kysely } from "kysely";
import { columnTypes, index } from "../src/db/migration-helpers.ts";

/**
 * Providers and catalogue sync: a stable code for the providers the platform manages itself
 * (env-configured, simulated), the last sync error, and the provider's own name and bounds of a
 * service, so that an admin's edits survive the hourly sync.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const ty = columnTypes(db);
  await db.schema.alterTable("api_providers").addColumn("code", ty.str(40)).execute();
  await db.schema.alterTable("api_providers").addColumn("last_error", ty.str(500)).execute();
  await index(db, "api_providers", ["code"], { unique: true });

  await db.schema.alterTable("services").addColumn("provider_name", ty.str(255)).execute();
  await db.schema.alterTable("services").addColumn("provider_min", "integer").execute();
  await db.schema.alterTable("services").addColumn("provider_max", "integer").execute();
}

/** Best effort: 0002's down drops these tables anyway, and migrate:fresh may call this on a schema without them. */
export async function down(db: Kysely<any>): Promise<void> {
  const mysql = columnTypes(db).mysql;
  const steps = [
    () => (mysql ? db.schema.dropIndex("api_providers_code_uq").on("api_providers") : db.schema.dropIndex("api_providers_code_uq")).execute(),
    () => db.schema.alterTable("api_providers").dropColumn("code").execute(),
    () => db.schema.alterTable("api_providers").dropColumn("last_error").execute(),
    () => db.schema.alterTable("services").dropColumn("provider_name").execute(),
    () => db.schema.alterTable("services").dropColumn("provider_min").execute(),
    () => db.schema.alterTable("services").dropColumn("provider_max").execute(),
  ];
  for (const step of steps) await step().catch(() => undefined);
}
