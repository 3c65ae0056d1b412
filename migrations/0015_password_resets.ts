import type { Kysely } from "kysely";
import { createTable, index } from "../src/db/migration-helpers.ts";

/** Password-reset tokens: only the SHA-256 of the token the e-mail carries, its tenant and its expiry. */
export async function up(db: Kysely<any>): Promise<void> {
  await createTable(
    db,
    "password_reset_tokens",
    (t, ty) =>
      t
        .addColumn("id", ty.str(64), (c) => c.primaryKey())
        .addColumn("user_id", ty.ref, (c) => c.notNull())
        .addColumn("site_id", ty.ref, (c) => c.notNull().defaultTo(0))
        .addColumn("expires_at", ty.timestamp, (c) => c.notNull())
        .addColumn("created_at", ty.timestamp, (c) => c.notNull()),
    { id: false, timestamps: false },
  );
  await index(db, "password_reset_tokens", ["user_id"]);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("password_reset_tokens").ifExists().execute();
}
