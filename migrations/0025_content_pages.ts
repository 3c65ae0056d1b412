import type { Kysely } from "kysely";
import { createTable, index } from "../src/db/migration-helpers.ts";

/** The pages a tenant writes for its visitors (FAQ, terms, contact), in both languages, as Markdown. */
export async function up(db: Kysely<any>): Promise<void> {
  await createTable(db, "content_pages", (t, ty) =>
    t
      .addColumn("site_id", ty.ref, (c) => c.notNull().defaultTo(0))
      .addColumn("slug", ty.str(20), (c) => c.notNull())
      .addColumn("body_fr", ty.text)
      .addColumn("body_en", ty.text),
  );
  await index(db, "content_pages", ["site_id", "slug"], { unique: true });
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("content_pages").ifExists().execute();
}
