import type { Kysely } from "kysely";
import { createTable, index } from "../src/db/migration-helpers.ts";
import { addForeignKeys, type ForeignKey } from "../src/db/foreign-keys.ts";

/** Rows that mean nothing without their user: deleted with it (docs/architecture.md, "Data rules"). */
export const TWO_FACTOR_RELATIONS: ForeignKey[] = [
  { table: "user_two_factor", column: "user_id", references: "users", onDelete: "cascade" },
  { table: "two_factor_recovery_codes", column: "user_id", references: "users", onDelete: "cascade" },
  { table: "two_factor_challenges", column: "user_id", references: "users", onDelete: "cascade" },
];

/**
 * Two-factor sign-in: a user's TOTP secret (sealed with DATA_ENCRYPTION_KEY; enabled once a code
 * confirmed it; the last time step used, so no code works twice), the SHA-256 of their single-use
 * recovery codes, and the short-lived challenges between a correct password and the code (only the
 * SHA-256 of the token the client holds).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await createTable(db, "user_two_factor", (t, ty) =>
    t
      .addColumn("user_id", ty.ref, (c) => c.notNull().unique())
      .addColumn("site_id", ty.ref, (c) => c.notNull().defaultTo(0))
      .addColumn("secret", ty.str(255), (c) => c.notNull())
      .addColumn("enabled_at", ty.timestamp)
      .addColumn("last_used_step", ty.ref),
  );
  await createTable(
    db,
    "two_factor_recovery_codes",
    (t, ty) =>
      t
        .addColumn("user_id", ty.ref, (c) => c.notNull())
        .addColumn("site_id", ty.ref, (c) => c.notNull().defaultTo(0))
        .addColumn("code_hash", ty.str(64), (c) => c.notNull())
        .addColumn("used_at", ty.timestamp)
        .addColumn("created_at", ty.timestamp, (c) => c.notNull()),
    { timestamps: false },
  );
  await index(db, "two_factor_recovery_codes", ["user_id"]);
  await createTable(
    db,
    "two_factor_challenges",
    (t, ty) =>
      t
        .addColumn("id", ty.str(64), (c) => c.primaryKey())
        .addColumn("user_id", ty.ref, (c) => c.notNull())
        .addColumn("site_id", ty.ref, (c) => c.notNull().defaultTo(0))
        .addColumn("expires_at", ty.timestamp, (c) => c.notNull())
        .addColumn("created_at", ty.timestamp, (c) => c.notNull()),
    { id: false, timestamps: false },
  );
  await index(db, "two_factor_challenges", ["user_id"]);
  await addForeignKeys(db, TWO_FACTOR_RELATIONS);
}

// Also called by migrate:fresh on a database where this migration may never have run.
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["two_factor_challenges", "two_factor_recovery_codes", "user_two_factor"]) await db.schema.dropTable(table).ifExists().execute();
}
