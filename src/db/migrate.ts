import type { Kysely } from "kysely";
import { Migrator, type Migration, type MigrationResultSet } from "kysely/migration";
import * as m0001 from "../../migrations/0001_users_auth.ts";
import * as m0002 from "../../migrations/0002_catalog_orders.ts";
import * as m0003 from "../../migrations/0003_finance.ts";
import * as m0004 from "../../migrations/0004_white_label_support.ts";
import * as m0005 from "../../migrations/0005_providers.ts";
import * as m0006 from "../../migrations/0006_wallet.ts";
import * as m0007 from "../../migrations/0007_white_label.ts";
import * as m0008 from "../../migrations/0008_orders.ts";
import * as m0009 from "../../migrations/0009_provider_holds.ts";
import * as m0010 from "../../migrations/0010_provider_balances.ts";
import * as m0011 from "../../migrations/0011_provider_status_sync.ts";
import * as m0013 from "../../migrations/0013_foreign_keys.ts";
import * as m0014 from "../../migrations/0014_domain_claims.ts";
import * as m0015 from "../../migrations/0015_password_resets.ts";
import * as m0016 from "../../migrations/0016_session_last_seen.ts";
import * as m0017 from "../../migrations/0017_two_factor.ts";
import * as m0018 from "../../migrations/0018_email_tokens.ts";
import * as m0019 from "../../migrations/0019_referral_safeguards.ts";
import * as m0020 from "../../migrations/0020_reset_token_owner.ts";
import * as m0022 from "../../migrations/0022_category_names.ts";
import * as m0023 from "../../migrations/0023_order_numbers.ts";
import * as m0023b from "../../migrations/0023_session_flash.ts";
import * as m0024 from "../../migrations/0024_saved_replies.ts";
import * as m0025 from "../../migrations/0025_content_pages.ts";
import * as m0032 from "../../migrations/0032_catalogue_console.ts";
import * as m0035 from "../../migrations/0035_figure_indexes.ts";
import * as m0040 from "../../migrations/0040_site_catalogue.ts";
import * as m0041 from "../../migrations/0041_subscription_self_service.ts";
import * as m0043 from "../../migrations/0043_site_currency.ts";
import * as m0044 from "../../migrations/0044_grouped_notices.ts";
import * as m0045 from "../../migrations/0045_payment_gateways.ts";
import * as m0047 from "../../migrations/0047_gateway_reversals.ts";
import * as m0048 from "../../migrations/0048_orders_console_indexes.ts";

/** Static list: migrations are plain modules, imported here in order. */
export const migrations: Record<string, Migration> = {
  "0001_users_auth": m0001,
  "0002_catalog_orders": m0002,
  "0003_finance": m0003,
  "0004_white_label_support": m0004,
  "0005_providers": m0005,
  "0006_wallet": m0006,
  "0007_white_label": m0007,
  "0008_orders": m0008,
  "0009_provider_holds": m0009,
  "0010_provider_balances": m0010,
  "0011_provider_status_sync": m0011,
  "0013_foreign_keys": m0013,
  "0014_domain_claims": m0014,
  "0015_password_resets": m0015,
  "0016_session_last_seen": m0016,
  "0017_two_factor": m0017,
  "0018_email_tokens": m0018,
  "0019_referral_safeguards": m0019,
  "0020_reset_token_owner": m0020,
  "0022_category_names": m0022,
  "0023_order_numbers": m0023,
  "0023_session_flash": m0023b,
  "0024_saved_replies": m0024,
  "0025_content_pages": m0025,
  "0032_catalogue_console": m0032,
  "0035_figure_indexes": m0035,
  "0040_site_catalogue": m0040,
  "0041_subscription_self_service": m0041,
  "0043_site_currency": m0043,
  "0044_grouped_notices": m0044,
  "0045_payment_gateways": m0045,
  "0047_gateway_reversals": m0047,
  "0048_orders_console_indexes": m0048,
};

function migrator<DB>(db: Kysely<DB>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

function check(result: MigrationResultSet): string[] {
  if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  return (result.results ?? []).filter((r) => r.status === "Success").map((r) => `${r.direction === "Up" ? "applied" : "reverted"} ${r.migrationName}`);
}

export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  return check(await migrator(db).migrateToLatest());
}

/** Drops every table (including Kysely's bookkeeping) and migrates again. */
export async function migrateFresh<DB>(db: Kysely<DB>): Promise<string[]> {
  const names = Object.keys(migrations).reverse();
  for (const name of names) await migrations[name]!.down!(db);
  await db.schema.dropTable("kysely_migration").ifExists().execute();
  await db.schema.dropTable("kysely_migration_lock").ifExists().execute();
  return migrateToLatest(db);
}
