import type { Kysely } from "kysely";
import { columnTypes } from "../src/db/migration-helpers.ts";

/**
 * A site sells in its own currency (docs/currencies.md): its own fixed rate, or null to follow the
 * platform's (`currency_rates` setting); each site order records the currency and rate it was placed
 * at and the reseller's cost converted to the site's currency (what the site's figures count).
 * Sites labelled with another currency before this (a label only: their money is in the platform
 * currency) go back to the platform currency.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const ty = columnTypes(db);
  await db.schema.alterTable("white_label_sites").addColumn("currency_rate", ty.money).execute();
  await db.schema.alterTable("site_orders").addColumn("currency", ty.str(3)).execute();
  await db.schema.alterTable("site_orders").addColumn("currency_rate", ty.money).execute();
  await db.schema.alterTable("site_orders").addColumn("site_cost", ty.money).execute();
  // Until now a site's currency was a label over money booked in the platform currency: put the
  // label back to what the money is in; the owner picks a real currency on the site's page.
  const setting = await db.selectFrom("platform_settings").select("value").where("key", "=", "currency").executeTakeFirst();
  const code = String(setting?.value ?? "")
    .trim()
    .toUpperCase();
  const platform = /^[A-Z]{3}$/.test(code) ? code : "XOF";
  await db.updateTable("white_label_sites").set({ currency: platform }).where("currency", "<>", platform).execute();
}

// Also called by migrate:fresh on a database where this migration may never have run.
export async function down(db: Kysely<any>): Promise<void> {
  const tables = await db.introspection.getTables();
  const columnsOf = (name: string) => tables.find((t) => t.name === name)?.columns.map((c) => c.name) ?? [];
  for (const column of ["site_cost", "currency_rate", "currency"])
    if (columnsOf("site_orders").includes(column)) await db.schema.alterTable("site_orders").dropColumn(column).execute();
  if (columnsOf("white_label_sites").includes("currency_rate")) await db.schema.alterTable("white_label_sites").dropColumn("currency_rate").execute();
}
