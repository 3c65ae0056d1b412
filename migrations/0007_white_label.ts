import type { Kysely } from "kysely";
import { columnTypes } from "../src/db/migration-helpers.ts";

/** When the renewal job last tried to charge a subscription: failed renewals are retried once a day. */
export async function up(db: Kysely<any>): Promise<void> {
  const ty = columnTypes(db);
  await db.schema.alterTable("subscriptions").addColumn("last_attempt_at", ty.timestamp).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const tables = (await db.introspection.getTables()).find((t) => t.name === "subscriptions");
  if (tables?.columns.some((c) => c.name === "last_attempt_at")) await db.schema.alterTable("subscriptions").dropColumn("last_attempt_at").execute();
}
