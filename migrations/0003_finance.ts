import type { Kysely } from "kysely";
import { createTable, index } from "../src/db/migration-helpers.ts";

export async function up(db: Kysely<any>): Promise<void> {
  // site_id = 0: the platform's own methods; otherwise a reseller's methods for its customers.
  await createTable(db, "payment_methods", (t, ty) =>
    t
      .addColumn("site_id", ty.ref, (c) => c.notNull().defaultTo(0))
      .addColumn("code", ty.str(50), (c) => c.notNull())
      .addColumn("name", ty.str(100), (c) => c.notNull())
      .addColumn("type", ty.str(30), (c) => c.notNull().defaultTo("mobile_money"))
      .addColumn("instructions_fr", ty.text)
      .addColumn("instructions_en", ty.text)
      .addColumn("account_name", ty.str(150))
      .addColumn("account_number", ty.str(100))
      .addColumn("currency", ty.str(3), (c) => c.notNull().defaultTo("XOF"))
      .addColumn("min_amount", ty.money, (c) => c.notNull().defaultTo(0))
      .addColumn("max_amount", ty.money)
      .addColumn("is_active", ty.bool, (c) => c.notNull().defaultTo(1))
      .addColumn("sort_order", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("config", ty.json),
  );
  await index(db, "payment_methods", ["site_id", "code"], { unique: true });

  await createTable(db, "fee_structures", (t, ty) =>
    t
      .addColumn("payment_method_id", ty.ref)
      .addColumn("name", ty.str(100), (c) => c.notNull())
      // Percentage fee in basis points (150 = 1.5%) plus a fixed part in micro-units.
      .addColumn("percent_bp", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("fixed_amount", ty.money, (c) => c.notNull().defaultTo(0))
      .addColumn("min_amount", ty.money, (c) => c.notNull().defaultTo(0))
      .addColumn("max_amount", ty.money)
      .addColumn("is_active", ty.bool, (c) => c.notNull().defaultTo(1)),
  );
  await index(db, "fee_structures", ["payment_method_id"]);

  // The ledger: one row per balance change; users.balance = sum(amount) of completed rows.
  await createTable(db, "transactions", (t, ty) =>
    t
      .addColumn("uuid", ty.str(36), (c) => c.notNull().unique())
      .addColumn("site_id", ty.ref, (c) => c.notNull().defaultTo(0))
      .addColumn("user_id", ty.ref, (c) => c.notNull())
      .addColumn("type", ty.str(30), (c) => c.notNull())
      .addColumn("amount", ty.money, (c) => c.notNull())
      .addColumn("fee", ty.money, (c) => c.notNull().defaultTo(0))
      .addColumn("balance_after", ty.money)
      .addColumn("status", ty.str(20), (c) => c.notNull())
      .addColumn("description", ty.str(255))
      .addColumn("reference", ty.str(120))
      .addColumn("payment_method_id", ty.ref)
      .addColumn("order_id", ty.ref)
      .addColumn("meta", ty.json)
      .addColumn("verified_by", ty.ref)
      .addColumn("verified_at", ty.timestamp),
  );
  await index(db, "transactions", ["user_id", "status"]);
  await index(db, "transactions", ["user_id", "created_at"]);
  await index(db, "transactions", ["site_id", "type", "status"]);
  await index(db, "transactions", ["order_id", "type"]);
  await index(db, "transactions", ["created_at"]);

  await createTable(db, "invoices", (t, ty) =>
    t
      .addColumn("uuid", ty.str(36), (c) => c.notNull().unique())
      .addColumn("number", ty.str(40), (c) => c.notNull().unique())
      .addColumn("user_id", ty.ref, (c) => c.notNull())
      .addColumn("transaction_id", ty.ref)
      .addColumn("subscription_id", ty.ref)
      .addColumn("amount", ty.money, (c) => c.notNull())
      .addColumn("currency", ty.str(3), (c) => c.notNull())
      .addColumn("status", ty.str(20), (c) => c.notNull().defaultTo("paid"))
      .addColumn("issued_at", ty.timestamp, (c) => c.notNull())
      .addColumn("data", ty.json),
  );
  await index(db, "invoices", ["user_id"]);

  await createTable(db, "bonuses", (t, ty) =>
    t
      .addColumn("code", ty.str(50), (c) => c.notNull().unique())
      .addColumn("name", ty.str(100), (c) => c.notNull())
      .addColumn("type", ty.str(20), (c) => c.notNull().defaultTo("percent"))
      // percent: basis points of the deposit; fixed: micro-units.
      .addColumn("value", ty.money, (c) => c.notNull())
      .addColumn("min_deposit", ty.money, (c) => c.notNull().defaultTo(0))
      .addColumn("max_uses", "integer")
      .addColumn("uses", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("starts_at", ty.timestamp)
      .addColumn("ends_at", ty.timestamp)
      .addColumn("is_active", ty.bool, (c) => c.notNull().defaultTo(1)),
  );

  await createTable(db, "user_bonuses", (t, ty) =>
    t
      .addColumn("user_id", ty.ref, (c) => c.notNull())
      .addColumn("bonus_id", ty.ref, (c) => c.notNull())
      .addColumn("transaction_id", ty.ref)
      .addColumn("amount", ty.money, (c) => c.notNull()),
  );
  await index(db, "user_bonuses", ["user_id", "bonus_id"], { unique: true });

  await createTable(db, "user_statistics", (t, ty) =>
    t
      .addColumn("user_id", ty.ref, (c) => c.notNull())
      .addColumn("date", ty.date, (c) => c.notNull())
      .addColumn("orders_count", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("spent", ty.money, (c) => c.notNull().defaultTo(0))
      .addColumn("deposited", ty.money, (c) => c.notNull().defaultTo(0)),
  );
  await index(db, "user_statistics", ["user_id", "date"], { unique: true });

  await createTable(db, "platform_statistics", (t, ty) =>
    t
      .addColumn("date", ty.date, (c) => c.notNull().unique())
      .addColumn("new_users", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("orders_count", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("revenue", ty.money, (c) => c.notNull().defaultTo(0))
      .addColumn("cost", ty.money, (c) => c.notNull().defaultTo(0))
      .addColumn("profit", ty.money, (c) => c.notNull().defaultTo(0))
      .addColumn("deposits", ty.money, (c) => c.notNull().defaultTo(0))
      .addColumn("refunds", ty.money, (c) => c.notNull().defaultTo(0)),
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["platform_statistics", "user_statistics", "user_bonuses", "bonuses", "invoices", "transactions", "fee_structures", "payment_methods"]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
