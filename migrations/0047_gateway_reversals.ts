import type { Kysely } from "kysely";
import { columnTypes } from "../src/db/migration-helpers.ts";

/**
 * A gateway payment refunded or charged back after it was credited (docs/wallet.md, "Gateway deposits"):
 * the gateway's words, the ledger row that took the money back when the balance covered it, and the
 * shortfall left for the admins when the customer had already spent it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const ty = columnTypes(db);
  await db.schema.alterTable("gateway_payments").addColumn("reversal_detail", ty.str(255)).execute();
  await db.schema.alterTable("gateway_payments").addColumn("reversal_transaction_id", ty.ref).execute();
  await db.schema.alterTable("gateway_payments").addColumn("reversal_shortfall", ty.money).execute();
}

// Also called by migrate:fresh on a database where this migration may never have run.
export async function down(db: Kysely<any>): Promise<void> {
  const tables = await db.introspection.getTables();
  const columns = tables.find((t) => t.name === "gateway_payments")?.columns.map((c) => c.name) ?? [];
  for (const column of ["reversal_shortfall", "reversal_transaction_id", "reversal_detail"])
    if (columns.includes(column)) await db.schema.alterTable("gateway_payments").dropColumn(column).execute();
}
