import { sql, type Kysely } from "kysely";
import { columnTypes, createTable, index } from "../src/db/migration-helpers.ts";
import { addForeignKeys, type ForeignKey } from "../src/db/foreign-keys.ts";

/** A sync run keeps its history when its provider or the admin who started it goes (docs/architecture.md, "Data rules"). */
export const SYNC_RUN_RELATIONS: ForeignKey[] = [
  { table: "catalog_sync_runs", column: "provider_id", references: "api_providers", onDelete: "set null" },
  { table: "catalog_sync_runs", column: "started_by", references: "users", onDelete: "set null" },
];

/**
 * The catalogue console: a service's name and description in each language beside the imported
 * ones (null shows `name` / `description`), and the catalogue sync runs an admin starts from the
 * console or the admin API, with their progress and final report (JSON).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const { mysql, text } = columnTypes(db);
  const columns = [
    ["name_fr", sql`varchar(255)`],
    ["name_en", sql`varchar(255)`],
    ["description_fr", text],
    ["description_en", text],
  ] as const;
  // MariaDB adds them in one statement (DDL is slow there); SQLite takes one column per statement.
  if (mysql) {
    const [[firstName, firstType], ...rest] = columns;
    let alter = db.schema.alterTable("services").addColumn(firstName, firstType);
    for (const [name, type] of rest) alter = alter.addColumn(name, type);
    await alter.execute();
  } else for (const [name, type] of columns) await db.schema.alterTable("services").addColumn(name, type).execute();
  await createTable(db, "catalog_sync_runs", (t, ty) =>
    t
      .addColumn("uuid", ty.str(36), (c) => c.notNull().unique())
      .addColumn("provider_id", ty.ref)
      .addColumn("started_by", ty.ref)
      .addColumn("status", ty.str(20), (c) => c.notNull())
      .addColumn("step", ty.str(255))
      .addColumn("total", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("done", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("report", ty.json)
      .addColumn("error", ty.str(500))
      .addColumn("finished_at", ty.timestamp),
  );
  await index(db, "catalog_sync_runs", ["status"]);
  await addForeignKeys(db, SYNC_RUN_RELATIONS);
}

// Also called by migrate:fresh on a database where this migration may never have run.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("catalog_sync_runs").ifExists().execute();
  const tables = await db.introspection.getTables();
  const columns = tables.find((t) => t.name === "services")?.columns.map((c) => c.name) ?? [];
  for (const column of ["description_en", "description_fr", "name_en", "name_fr"])
    if (columns.includes(column)) await db.schema.alterTable("services").dropColumn(column).execute();
}
