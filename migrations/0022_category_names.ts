import type { Kysely } from "kysely";

/**
 * Category names in each language, beside the name a category was imported with (`name`, the
 * provider's, usually English): filled when categories are imported or seeded
 * (src/catalog/category-names.ts), editable by admins; null shows `name`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("categories").addColumn("name_fr", "varchar(150)").execute();
  await db.schema.alterTable("categories").addColumn("name_en", "varchar(150)").execute();
}

// Also called by migrate:fresh on a database where this migration may never have run.
export async function down(db: Kysely<any>): Promise<void> {
  const tables = await db.introspection.getTables();
  const columns = tables.find((t) => t.name === "categories")?.columns.map((c) => c.name) ?? [];
  for (const column of ["name_en", "name_fr"]) if (columns.includes(column)) await db.schema.alterTable("categories").dropColumn(column).execute();
}
