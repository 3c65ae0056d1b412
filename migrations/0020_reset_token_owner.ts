import type { Kysely } from "kysely";
import { addForeignKeys, dropForeignKeys, type ForeignKey } from "../src/db/foreign-keys.ts";

/**
 * Relations of tables created after 0013 (password_reset_tokens came with 0015): a reset token means
 * nothing without its user, so it goes with it (CASCADE); tokens of users already gone are deleted.
 */
export const RELATIONS: ForeignKey[] = [{ table: "password_reset_tokens", column: "user_id", references: "users", onDelete: "cascade" }];

export async function up(db: Kysely<any>): Promise<void> {
  await addForeignKeys(db, RELATIONS);
}

// Also called by migrate:fresh on a database where this migration may never have run.
export async function down(db: Kysely<any>): Promise<void> {
  await dropForeignKeys(db, RELATIONS);
}
