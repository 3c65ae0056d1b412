import type { Kysely } from "kysely";
import { createTable, index } from "../src/db/migration-helpers.ts";
import { addForeignKeys, type ForeignKey } from "../src/db/foreign-keys.ts";

/** A site's catalogue words and layout mean nothing without the site, or without the service or category they name. */
export const SITE_CATALOGUE_RELATIONS: ForeignKey[] = [
  { table: "site_service_texts", column: "site_id", references: "white_label_sites", onDelete: "cascade" },
  { table: "site_service_texts", column: "service_id", references: "services", onDelete: "cascade" },
  { table: "site_categories", column: "site_id", references: "white_label_sites", onDelete: "cascade" },
  { table: "site_categories", column: "category_id", references: "categories", onDelete: "cascade" },
  { table: "site_hidden_platforms", column: "site_id", references: "white_label_sites", onDelete: "cascade" },
];

/**
 * The catalogue in a site's own words: a service's or a category's name and description in French
 * and English (null shows the platform's text), a category's place and "featured" mark on the
 * site, and the platforms (instagram, tiktok…) the site does not sell.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await createTable(db, "site_service_texts", (t, ty) =>
    t
      .addColumn("site_id", ty.ref, (c) => c.notNull())
      .addColumn("service_id", ty.ref, (c) => c.notNull())
      .addColumn("name_fr", ty.str(255))
      .addColumn("name_en", ty.str(255))
      .addColumn("description_fr", ty.text)
      .addColumn("description_en", ty.text),
  );
  await index(db, "site_service_texts", ["site_id", "service_id"], { unique: true });
  await createTable(db, "site_categories", (t, ty) =>
    t
      .addColumn("site_id", ty.ref, (c) => c.notNull())
      .addColumn("category_id", ty.ref, (c) => c.notNull())
      .addColumn("name_fr", ty.str(255))
      .addColumn("name_en", ty.str(255))
      .addColumn("description_fr", ty.text)
      .addColumn("description_en", ty.text)
      .addColumn("position", "integer")
      .addColumn("featured", ty.bool, (c) => c.notNull().defaultTo(0)),
  );
  await index(db, "site_categories", ["site_id", "category_id"], { unique: true });
  await createTable(db, "site_hidden_platforms", (t, ty) =>
    t.addColumn("site_id", ty.ref, (c) => c.notNull()).addColumn("platform", ty.str(40), (c) => c.notNull()),
  );
  await index(db, "site_hidden_platforms", ["site_id", "platform"], { unique: true });
  await addForeignKeys(db, SITE_CATALOGUE_RELATIONS);
}

// Also called by migrate:fresh on a database where this migration may never have run; the constraints go with the tables.
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["site_hidden_platforms", "site_categories", "site_service_texts"]) await db.schema.dropTable(table).ifExists().execute();
}
