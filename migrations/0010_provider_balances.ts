import { sql, type Kysely } from "kysely";
import { columnTypes } from "../src/db/migration-helpers.ts";

/**
 * Provider balances read on a schedule: the last balance's currency and time, the provider's own
 * low-balance threshold and whether it is below it (admins are told once per crossing). An
 * exchange rate of 0 now means "no rate": nothing of that provider is sold until an admin sets one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const ty = columnTypes(db);
  await db.schema.alterTable("api_providers").addColumn("balance_currency", ty.str(3)).execute();
  await db.schema.alterTable("api_providers").addColumn("balance_checked_at", ty.timestamp).execute();
  await db.schema.alterTable("api_providers").addColumn("low_balance_threshold", ty.money).execute();
  await db.schema
    .alterTable("api_providers")
    .addColumn("balance_low", ty.bool, (c) => c.notNull().defaultTo(0))
    .execute();

  // The old default gave an unknown currency 1.0 silently (an INR panel sold at 18% of cost): no rate instead.
  const setting = await db
    .selectFrom("platform_settings")
    .select("value")
    .where("key", "=", "currency")
    .executeTakeFirst()
    .catch(() => undefined);
  const platform = String(setting?.value ?? "XOF").toUpperCase();
  // Kept: the platform's own currency, the CFA franc peg, and USD/EUR, whose old default was never 1.0 (an admin's choice).
  const kept = platform === "XOF" ? ["XOF", "XAF", "USD", "EUR"] : platform === "XAF" ? ["XAF", "XOF"] : [platform];
  await db.updateTable("api_providers").set({ exchange_rate: 0 }).where("exchange_rate", "=", 1_000_000).where(sql`upper(currency)`, "not in", kept).execute();
}

// Also called by migrate:fresh on a database where this migration may never have run.
export async function down(db: Kysely<any>): Promise<void> {
  const tables = await db.introspection.getTables();
  const columns = tables.find((t) => t.name === "api_providers")?.columns.map((c) => c.name) ?? [];
  for (const column of ["balance_currency", "balance_checked_at", "low_balance_threshold", "balance_low"]) {
    if (columns.includes(column)) await db.schema.alterTable("api_providers").dropColumn(column).execute();
  }
}
