import type { Kysely } from "kysely";
import { createTable, index } from "../src/db/migration-helpers.ts";
import { addForeignKeys, type ForeignKey } from "../src/db/foreign-keys.ts";

/** A payment holds money history (RESTRICT); a notification means nothing without its payment (CASCADE). */
export const GATEWAY_RELATIONS: ForeignKey[] = [
  { table: "gateway_payments", column: "user_id", references: "users", onDelete: "restrict" },
  { table: "gateway_payments", column: "gateway_account_id", references: "gateway_accounts", onDelete: "restrict" },
  { table: "gateway_payments", column: "transaction_id", references: "transactions", onDelete: "restrict" },
  { table: "gateway_notifications", column: "gateway_payment_id", references: "gateway_payments", onDelete: "cascade" },
];

/**
 * Automatic deposits through payment gateways (docs/wallet.md, "Gateway deposits"): a tenant's gateway
 * accounts (credentials sealed with DATA_ENCRYPTION_KEY), the payments started through them, and every
 * notification received (secrets redacted). A payment points to at most one ledger row, and that row's
 * `deposit_claim` is "gw:<payment uuid>": both unique, so a payment is credited once as a database fact.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await createTable(db, "gateway_accounts", (t, ty) =>
    t
      .addColumn("site_id", ty.ref, (c) => c.notNull().defaultTo(0))
      .addColumn("code", ty.str(50), (c) => c.notNull())
      .addColumn("kind", ty.str(20), (c) => c.notNull())
      .addColumn("name", ty.str(100), (c) => c.notNull())
      .addColumn("mode", ty.str(12), (c) => c.notNull().defaultTo("live"))
      .addColumn("api_base", ty.str(255))
      .addColumn("credentials", ty.text, (c) => c.notNull())
      .addColumn("currency", ty.str(3), (c) => c.notNull())
      .addColumn("fee_percent_bp", ty.ref, (c) => c.notNull().defaultTo(0))
      .addColumn("fee_fixed", ty.money, (c) => c.notNull().defaultTo(0))
      .addColumn("min_amount", ty.money, (c) => c.notNull().defaultTo(0))
      .addColumn("max_amount", ty.money)
      .addColumn("is_active", ty.bool, (c) => c.notNull().defaultTo(1))
      .addColumn("sort_order", ty.ref, (c) => c.notNull().defaultTo(0)),
  );
  await index(db, "gateway_accounts", ["site_id", "code"], { unique: true });

  await createTable(db, "gateway_payments", (t, ty) =>
    t
      .addColumn("uuid", ty.str(36), (c) => c.notNull().unique())
      .addColumn("site_id", ty.ref, (c) => c.notNull().defaultTo(0))
      .addColumn("user_id", ty.ref, (c) => c.notNull())
      .addColumn("gateway_account_id", ty.ref, (c) => c.notNull())
      .addColumn("provider_ref", ty.str(191))
      .addColumn("amount", ty.money, (c) => c.notNull())
      .addColumn("currency", ty.str(3), (c) => c.notNull())
      .addColumn("status", ty.str(16), (c) => c.notNull().defaultTo("pending"))
      .addColumn("confirmed_amount", ty.money)
      .addColumn("confirmed_currency", ty.str(3))
      .addColumn("fee", ty.money)
      .addColumn("failure_reason", ty.str(60))
      .addColumn("checkout_url", ty.str(1000))
      .addColumn("transaction_id", ty.ref, (c) => c.unique())
      .addColumn("expires_at", ty.timestamp, (c) => c.notNull())
      .addColumn("last_checked_at", ty.timestamp)
      .addColumn("settled_at", ty.timestamp)
      .addColumn("refunded_at", ty.timestamp),
  );
  await index(db, "gateway_payments", ["status", "created_at"]);
  await index(db, "gateway_payments", ["site_id", "user_id", "created_at"]);

  await createTable(
    db,
    "gateway_notifications",
    (t, ty) =>
      t
        .addColumn("site_id", ty.ref, (c) => c.notNull().defaultTo(0))
        .addColumn("gateway_payment_id", ty.ref)
        .addColumn("kind", ty.str(20), (c) => c.notNull())
        .addColumn("transaction_ref", ty.str(191))
        .addColumn("headers", ty.json)
        .addColumn("body", ty.text)
        .addColumn("signature_ok", ty.bool, (c) => c.notNull().defaultTo(0))
        .addColumn("outcome", ty.str(40), (c) => c.notNull())
        .addColumn("received_at", ty.timestamp, (c) => c.notNull()),
    { timestamps: false },
  );
  await index(db, "gateway_notifications", ["gateway_payment_id"]);
  await index(db, "gateway_notifications", ["site_id", "received_at"]);
  await addForeignKeys(db, GATEWAY_RELATIONS);
}

// Also called by migrate:fresh on a database where this migration may never have run.
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["gateway_notifications", "gateway_payments", "gateway_accounts"]) await db.schema.dropTable(table).ifExists().execute();
}
