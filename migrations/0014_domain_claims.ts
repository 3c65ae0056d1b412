import { type Kysely, sql } from "kysely";
import { columnTypes } from "../src/db/migration-helpers.ts";

/**
 * When a site claimed its custom domain: an unverified claim holds the name against other sites
 * for a while (time to add the DNS record), then lapses. Existing claims count from their last update.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const ty = columnTypes(db);
  await db.schema.alterTable("white_label_sites").addColumn("domain_claimed_at", ty.timestamp).execute();
  await sql`update white_label_sites set domain_claimed_at = updated_at where custom_domain is not null`.execute(db);
}

// Also called by migrate:fresh on a database where this migration may never have run.
export async function down(db: Kysely<any>): Promise<void> {
  const tables = await db.introspection.getTables();
  const has = tables.find((t) => t.name === "white_label_sites")?.columns.some((c) => c.name === "domain_claimed_at") ?? false;
  if (has) await db.schema.alterTable("white_label_sites").dropColumn("domain_claimed_at").execute();
}
