import type { Kysely } from "kysely";
import { columnTypes, index } from "../src/db/migration-helpers.ts";

/**
 * Orders: a refill's claim on its order (set while the refill is open, cleared when it ends; a
 * unique index, so two concurrent requests cannot both open one), and how much of a referral
 * commission was already clawed back (refunds claw back pro rata, possibly in several steps).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const ty = columnTypes(db);
  await db.schema.alterTable("refills").addColumn("open_order_id", ty.ref).execute();
  await db.schema.alterTable("refills").addColumn("last_error", ty.str(500)).execute();
  await index(db, "refills", ["open_order_id"], { unique: true });
  await db.schema
    .alterTable("referral_commissions")
    .addColumn("reversed_amount", ty.money, (c) => c.notNull().defaultTo(0))
    .execute();
  await index(db, "referral_commissions", ["status"]);
}

// Also called by migrate:fresh on a database where this migration may never have run.
export async function down(db: Kysely<any>): Promise<void> {
  const ty = columnTypes(db);
  const tables = await db.introspection.getTables();
  const has = (table: string, column: string) => tables.find((t) => t.name === table)?.columns.some((c) => c.name === column) ?? false;
  const drop = (name: string, table: string) =>
    (ty.mysql ? db.schema.dropIndex(name).on(table) : db.schema.dropIndex(name).ifExists()).execute().catch(() => undefined);
  if (has("refills", "open_order_id")) {
    await drop("refills_open_order_id_uq", "refills");
    await db.schema.alterTable("refills").dropColumn("open_order_id").execute();
  }
  if (has("refills", "last_error")) await db.schema.alterTable("refills").dropColumn("last_error").execute();
  if (has("referral_commissions", "reversed_amount")) {
    await drop("referral_commissions_status_idx", "referral_commissions");
    await db.schema.alterTable("referral_commissions").dropColumn("reversed_amount").execute();
  }
}
