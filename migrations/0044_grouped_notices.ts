import { sql, type Kysely } from "kysely";
import { columnTypes, index } from "../src/db/migration-helpers.ts";

/**
 * Grouped notices (src/notifications/grouped.ts): a notification that counts up — "3 new orders on
 * your site" — instead of one per event. `group_key` names the open group (unique: at most one
 * notification holds it, so two events at once cannot open two), `group_count` and `group_total` are
 * bumped by one conditional update per event.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const { mysql, str } = columnTypes(db);
  if (mysql)
    await db.schema
      .alterTable("notifications")
      .addColumn("group_key", str(150))
      .addColumn("group_count", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("group_total", "bigint", (c) => c.notNull().defaultTo(0))
      .execute();
  else {
    await db.schema.alterTable("notifications").addColumn("group_key", str(150)).execute();
    await db.schema
      .alterTable("notifications")
      .addColumn("group_count", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable("notifications")
      .addColumn("group_total", "bigint", (c) => c.notNull().defaultTo(0))
      .execute();
  }
  await index(db, "notifications", ["group_key"], { unique: true });
}

// Also called by migrate:fresh on a database where this migration may never have run.
export async function down(db: Kysely<any>): Promise<void> {
  const { mysql } = columnTypes(db);
  const exists = await sql<{
    n: number;
  }>`select count(*) as n from ${sql.raw(mysql ? "information_schema.tables where table_schema = database() and table_name = 'notifications'" : "sqlite_master where type = 'table' and name = 'notifications'")}`.execute(
    db,
  );
  if (!Number(exists.rows[0]?.n)) return;
  const columns = mysql
    ? (
        await sql<{
          name: string;
        }>`select column_name as name from information_schema.columns where table_schema = database() and table_name = 'notifications'`.execute(db)
      ).rows
    : (await sql<{ name: string }>`select name from pragma_table_info('notifications')`.execute(db)).rows;
  if (!columns.some((c) => String(c.name).toLowerCase() === "group_key")) return;
  await (mysql
    ? db.schema.dropIndex("notifications_group_key_uq").on("notifications")
    : db.schema.dropIndex("notifications_group_key_uq").ifExists()
  ).execute();
  for (const column of ["group_key", "group_count", "group_total"]) await db.schema.alterTable("notifications").dropColumn(column).execute();
}
