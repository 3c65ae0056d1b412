import type { Kysely } from "kysely";
import { columnTypes, createTable, index } from "../src/db/migration-helpers.ts";
import { addForeignKeys, type ForeignKey } from "../src/db/foreign-keys.ts";

/** The relations of referral_flags, enforced like 0013's RELATIONS (the flag and its review are history: RESTRICT; the reviewer an optional pointer). */
export const REFERRAL_FLAG_RELATIONS: ForeignKey[] = [
  { table: "referral_flags", column: "user_id", references: "users", onDelete: "restrict" },
  { table: "referral_flags", column: "referrer_id", references: "users", onDelete: "restrict" },
  { table: "referral_flags", column: "reviewed_by", references: "users", onDelete: "set null" },
];

/**
 * Referral abuse safeguards: a commission waits (`available_at`) before it is paid, the part a refund
 * cancels before payment (`cancelled_amount`), the address an account registered from, and the
 * referred accounts flagged for sharing an address with a referrer, with the admins' review.
 * Commissions already credited keep their status; their available_at stays empty.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const ty = columnTypes(db);
  await db.schema.alterTable("users").addColumn("registration_ip", ty.str(45)).execute();
  await db.schema.alterTable("referral_commissions").addColumn("available_at", ty.timestamp).execute();
  await db.schema
    .alterTable("referral_commissions")
    .addColumn("cancelled_amount", ty.money, (c) => c.notNull().defaultTo(0))
    .execute();
  await index(db, "referral_commissions", ["status", "available_at"]);
  await index(db, "referral_commissions", ["referred_user_id", "status"]);
  await createTable(db, "referral_flags", (t) =>
    t
      .addColumn("site_id", ty.ref, (c) => c.notNull().defaultTo(0))
      .addColumn("user_id", ty.ref, (c) => c.notNull())
      .addColumn("referrer_id", ty.ref, (c) => c.notNull())
      .addColumn("reason", ty.str(20), (c) => c.notNull())
      .addColumn("ip", ty.str(45), (c) => c.notNull())
      .addColumn("status", ty.str(20), (c) => c.notNull().defaultTo("flagged"))
      .addColumn("reviewed_by", ty.ref)
      .addColumn("reviewed_at", ty.timestamp),
  );
  await index(db, "referral_flags", ["user_id"], { unique: true });
  await index(db, "referral_flags", ["site_id", "status"]);
  await addForeignKeys(db, REFERRAL_FLAG_RELATIONS);
}

// Also called by migrate:fresh on a database where this migration may never have run.
export async function down(db: Kysely<any>): Promise<void> {
  const ty = columnTypes(db);
  const tables = await db.introspection.getTables();
  const has = (table: string, column: string) => tables.find((t) => t.name === table)?.columns.some((c) => c.name === column) ?? false;
  const drop = (name: string, table: string) =>
    (ty.mysql ? db.schema.dropIndex(name).on(table) : db.schema.dropIndex(name).ifExists()).execute().catch(() => undefined);
  await db.schema.dropTable("referral_flags").ifExists().execute();
  if (has("referral_commissions", "available_at")) {
    await drop("referral_commissions_status_available_at_idx", "referral_commissions");
    await drop("referral_commissions_referred_user_id_status_idx", "referral_commissions");
    await db.schema.alterTable("referral_commissions").dropColumn("available_at").execute();
  }
  if (has("referral_commissions", "cancelled_amount")) await db.schema.alterTable("referral_commissions").dropColumn("cancelled_amount").execute();
  if (has("users", "registration_ip")) await db.schema.alterTable("users").dropColumn("registration_ip").execute();
}
