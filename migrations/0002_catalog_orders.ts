import type { Kysely } from "kysely";
import { createTable, index } from "../src/db/migration-helpers.ts";

export async function up(db: Kysely<any>): Promise<void> {
  await createTable(db, "api_providers", (t, ty) =>
    t
      .addColumn("name", ty.str(100), (c) => c.notNull())
      .addColumn("url", ty.str(255), (c) => c.notNull())
      .addColumn("api_key", ty.str(255), (c) => c.notNull())
      .addColumn("currency", ty.str(3), (c) => c.notNull().defaultTo("USD"))
      // Platform-currency units per provider-currency unit, scaled by 1,000,000.
      .addColumn("exchange_rate", ty.money, (c) => c.notNull().defaultTo(1_000_000))
      .addColumn("is_active", ty.bool, (c) => c.notNull().defaultTo(1))
      .addColumn("balance", ty.money)
      .addColumn("last_sync_at", ty.timestamp),
  );

  await createTable(db, "categories", (t, ty) =>
    t
      .addColumn("name", ty.str(150), (c) => c.notNull())
      .addColumn("slug", ty.str(160), (c) => c.notNull().unique())
      .addColumn("platform", ty.str(40), (c) => c.notNull().defaultTo("other"))
      .addColumn("description", ty.text)
      .addColumn("icon", ty.str(60))
      .addColumn("sort_order", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("is_active", ty.bool, (c) => c.notNull().defaultTo(1)),
  );

  await createTable(db, "services", (t, ty) =>
    t
      .addColumn("provider_id", ty.ref, (c) => c.notNull())
      .addColumn("provider_service_id", ty.str(64), (c) => c.notNull())
      .addColumn("category_id", ty.ref, (c) => c.notNull())
      .addColumn("name", ty.str(255), (c) => c.notNull())
      .addColumn("description", ty.text)
      .addColumn("type", ty.str(40), (c) => c.notNull().defaultTo("Default"))
      // Per 1000 units, in the provider's currency (micro-units).
      .addColumn("provider_rate", ty.money, (c) => c.notNull())
      // Platform base price per 1000 after conversion, before margin (micro-units).
      .addColumn("base_rate", ty.money, (c) => c.notNull())
      // Platform price per 1000 (micro-units): what a platform user pays.
      .addColumn("rate", ty.money, (c) => c.notNull())
      // Per-service margin override in basis points; null = the platform margin.
      .addColumn("margin_bp", "integer")
      .addColumn("min", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("max", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("refill", ty.bool, (c) => c.notNull().defaultTo(0))
      .addColumn("refill_days", "integer", (c) => c.notNull().defaultTo(30))
      .addColumn("cancel", ty.bool, (c) => c.notNull().defaultTo(0))
      .addColumn("dripfeed", ty.bool, (c) => c.notNull().defaultTo(0))
      .addColumn("is_active", ty.bool, (c) => c.notNull().defaultTo(1))
      // Set when the provider dropped the service; it stays for the orders that point to it.
      .addColumn("provider_removed_at", ty.timestamp)
      .addColumn("sort_order", "integer", (c) => c.notNull().defaultTo(0)),
  );
  await index(db, "services", ["provider_id", "provider_service_id"], { unique: true });
  await index(db, "services", ["category_id", "is_active"]);
  await index(db, "services", ["is_active", "sort_order"]);

  await createTable(db, "service_prices_override", (t, ty) =>
    t
      .addColumn("user_id", ty.ref, (c) => c.notNull())
      .addColumn("service_id", ty.ref, (c) => c.notNull())
      .addColumn("rate", ty.money, (c) => c.notNull()),
  );
  await index(db, "service_prices_override", ["user_id", "service_id"], { unique: true });

  await createTable(db, "orders", (t, ty) =>
    t
      .addColumn("uuid", ty.str(36), (c) => c.notNull().unique())
      .addColumn("site_id", ty.ref, (c) => c.notNull().defaultTo(0))
      .addColumn("user_id", ty.ref, (c) => c.notNull())
      .addColumn("service_id", ty.ref, (c) => c.notNull())
      .addColumn("provider_id", ty.ref, (c) => c.notNull())
      .addColumn("link", ty.str(1000), (c) => c.notNull().defaultTo(""))
      .addColumn("quantity", "integer", (c) => c.notNull())
      // Type-specific fields sent to the provider (comments, usernames, runs, interval…).
      .addColumn("params", ty.json)
      .addColumn("rate", ty.money, (c) => c.notNull())
      .addColumn("charge", ty.money, (c) => c.notNull())
      .addColumn("provider_cost", ty.money, (c) => c.notNull().defaultTo(0))
      .addColumn("refunded", ty.money, (c) => c.notNull().defaultTo(0))
      .addColumn("currency", ty.str(3), (c) => c.notNull())
      .addColumn("status", ty.str(20), (c) => c.notNull().defaultTo("pending"))
      .addColumn("start_count", "integer")
      .addColumn("remains", "integer")
      .addColumn("runs", "integer")
      .addColumn("interval", "integer")
      .addColumn("provider_order_id", ty.str(64))
      // queued → sending → sent | failed | unknown (held for reconciliation)
      .addColumn("dispatch_state", ty.str(20), (c) => c.notNull().defaultTo("queued"))
      .addColumn("dispatch_attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("next_attempt_at", ty.timestamp)
      .addColumn("last_error", ty.str(500))
      .addColumn("source", ty.str(20), (c) => c.notNull().defaultTo("web"))
      .addColumn("api_key_id", ty.ref)
      .addColumn("parent_order_id", ty.ref)
      .addColumn("last_status_sync_at", ty.timestamp)
      .addColumn("completed_at", ty.timestamp),
  );
  await index(db, "orders", ["site_id", "user_id", "created_at"]);
  await index(db, "orders", ["site_id", "status"]);
  await index(db, "orders", ["dispatch_state", "next_attempt_at"]);
  await index(db, "orders", ["provider_id", "status", "last_status_sync_at"]);
  await index(db, "orders", ["provider_id", "provider_order_id"]);
  await index(db, "orders", ["parent_order_id"]);
  await index(db, "orders", ["created_at"]);

  await createTable(db, "refills", (t, ty) =>
    t
      .addColumn("uuid", ty.str(36), (c) => c.notNull().unique())
      .addColumn("order_id", ty.ref, (c) => c.notNull())
      .addColumn("provider_refill_id", ty.str(64))
      .addColumn("status", ty.str(20), (c) => c.notNull().defaultTo("pending")),
  );
  await index(db, "refills", ["order_id"]);

  await createTable(
    db,
    "provider_logs",
    (t, ty) =>
      t
        .addColumn("provider_id", ty.ref, (c) => c.notNull())
        .addColumn("order_id", ty.ref)
        .addColumn("action", ty.str(30), (c) => c.notNull())
        // Request fields with the key replaced by a redaction marker.
        .addColumn("request", ty.json, (c) => c.notNull())
        .addColumn("response", ty.text)
        .addColumn("http_status", "integer")
        .addColumn("duration_ms", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("error", ty.str(500))
        .addColumn("created_at", ty.timestamp, (c) => c.notNull()),
    { timestamps: false },
  );
  await index(db, "provider_logs", ["order_id"]);
  await index(db, "provider_logs", ["provider_id", "created_at"]);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["provider_logs", "refills", "orders", "service_prices_override", "services", "categories", "api_providers"]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
