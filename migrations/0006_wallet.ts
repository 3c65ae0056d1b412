import type { Kysely } from "kysely";
import { columnTypes, index } from "../src/db/migration-helpers.ts";

// A deposit's payment reference may back one live (pending or completed) deposit per method. The claim
// is a nullable unique column: set while the deposit is live, cleared when it is rejected (NULLs never clash).
export async function up(db: Kysely<any>): Promise<void> {
  const ty = columnTypes(db);
  await db.schema.alterTable("transactions").addColumn("deposit_claim", ty.str(190)).execute();
  await index(db, "transactions", ["deposit_claim"], { unique: true });
  // The daily clean-up deletes old provider logs by date.
  await index(db, "provider_logs", ["created_at"]);
}

// Also called by migrate:fresh on a database where this migration may never have run.
export async function down(db: Kysely<any>): Promise<void> {
  const ty = columnTypes(db);
  const tables = await db.introspection.getTables();
  const drop = (name: string, table: string) =>
    (ty.mysql ? db.schema.dropIndex(name).on(table) : db.schema.dropIndex(name).ifExists()).execute().catch(() => undefined);
  if (tables.some((t) => t.name === "provider_logs")) await drop("provider_logs_created_at_idx", "provider_logs");
  const transactions = tables.find((t) => t.name === "transactions");
  if (transactions?.columns.some((c) => c.name === "deposit_claim")) {
    await drop("transactions_deposit_claim_uq", "transactions");
    await db.schema.alterTable("transactions").dropColumn("deposit_claim").execute();
  }
}
