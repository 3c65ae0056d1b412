import type { Kysely } from "kysely";
import { addForeignKeys, type ForeignKey } from "../src/db/foreign-keys.ts";
import { createTable, index } from "../src/db/migration-helpers.ts";

/** A token means nothing without its user: it goes with the account (the same rule as sessions in 0013). */
export const EMAIL_TOKEN_RELATIONS: ForeignKey[] = [{ table: "email_tokens", column: "user_id", references: "users", onDelete: "cascade" }];

/**
 * Links that prove an address: the verification after sign-up and the confirmation of a new address.
 * Only the SHA-256 of the token the e-mail carries is stored, with its tenant, the address it proves and
 * its expiry. Accounts that exist now count as verified, so nothing changes for them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await createTable(
    db,
    "email_tokens",
    (t, ty) =>
      t
        .addColumn("id", ty.str(64), (c) => c.primaryKey())
        .addColumn("user_id", ty.ref, (c) => c.notNull())
        .addColumn("site_id", ty.ref, (c) => c.notNull().defaultTo(0))
        .addColumn("purpose", ty.str(16), (c) => c.notNull())
        .addColumn("email", ty.str(190), (c) => c.notNull())
        .addColumn("expires_at", ty.timestamp, (c) => c.notNull())
        .addColumn("created_at", ty.timestamp, (c) => c.notNull()),
    { id: false, timestamps: false },
  );
  await index(db, "email_tokens", ["user_id", "purpose"]);
  await addForeignKeys(db, EMAIL_TOKEN_RELATIONS);
  await db
    .updateTable("users")
    .set((eb) => ({ email_verified_at: eb.ref("created_at") }))
    .where("email_verified_at", "is", null)
    .execute();
}

// Also called by migrate:fresh on a database where this migration may never have run.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("email_tokens").ifExists().execute();
}
