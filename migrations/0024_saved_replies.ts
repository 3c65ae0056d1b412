import type { Kysely } from "kysely";
import { createTable, index } from "../src/db/migration-helpers.ts";

/** Saved replies of a tenant's support staff: a title and the text inserted into a reply. */
export async function up(db: Kysely<any>): Promise<void> {
  await createTable(db, "saved_replies", (t, ty) =>
    t
      .addColumn("site_id", ty.ref, (c) => c.notNull().defaultTo(0))
      .addColumn("title", ty.str(120), (c) => c.notNull())
      .addColumn("body", ty.text, (c) => c.notNull())
      .addColumn("created_by", ty.ref),
  );
  await index(db, "saved_replies", ["site_id", "title"]);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("saved_replies").ifExists().execute();
}
