import type { Kysely } from "kysely";
import { createTable, index } from "../src/db/migration-helpers.ts";

export async function up(db: Kysely<any>): Promise<void> {
  await createTable(db, "white_label_templates", (t, ty) =>
    t
      .addColumn("slug", ty.str(60), (c) => c.notNull().unique())
      .addColumn("name", ty.str(100), (c) => c.notNull())
      .addColumn("description", ty.text)
      .addColumn("preview_image", ty.str(255))
      .addColumn("is_active", ty.bool, (c) => c.notNull().defaultTo(1))
      .addColumn("sort_order", "integer", (c) => c.notNull().defaultTo(0)),
  );

  await createTable(db, "white_label_plans", (t, ty) =>
    t
      .addColumn("slug", ty.str(60), (c) => c.notNull().unique())
      .addColumn("name", ty.str(100), (c) => c.notNull())
      .addColumn("description", ty.text)
      .addColumn("price_monthly", ty.money, (c) => c.notNull())
      .addColumn("price_yearly", ty.money, (c) => c.notNull())
      .addColumn("max_customers", "integer")
      .addColumn("allows_custom_domain", ty.bool, (c) => c.notNull().defaultTo(1))
      .addColumn("features", ty.json)
      .addColumn("is_active", ty.bool, (c) => c.notNull().defaultTo(1))
      .addColumn("sort_order", "integer", (c) => c.notNull().defaultTo(0)),
  );

  await createTable(db, "white_label_sites", (t, ty) =>
    t
      .addColumn("uuid", ty.str(36), (c) => c.notNull().unique())
      .addColumn("owner_id", ty.ref, (c) => c.notNull())
      .addColumn("plan_id", ty.ref, (c) => c.notNull())
      .addColumn("template_id", ty.ref, (c) => c.notNull())
      .addColumn("name", ty.str(100), (c) => c.notNull())
      .addColumn("slug", ty.str(63), (c) => c.notNull().unique())
      .addColumn("custom_domain", ty.str(253))
      .addColumn("domain_token", ty.str(64))
      .addColumn("domain_verified_at", ty.timestamp)
      // Theme settings (name, tagline, colours, contact links…), checked against theme.json.
      .addColumn("branding", ty.json)
      .addColumn("logo_path", ty.str(255))
      .addColumn("default_margin_bp", "integer", (c) => c.notNull().defaultTo(3000))
      .addColumn("language", ty.str(5), (c) => c.notNull().defaultTo("fr"))
      .addColumn("currency", ty.str(3), (c) => c.notNull().defaultTo("XOF"))
      // active | grace | suspended | disabled (by an admin)
      .addColumn("status", ty.str(20), (c) => c.notNull().defaultTo("active"))
      .addColumn("expires_at", ty.timestamp)
      .addColumn("content_version", "integer", (c) => c.notNull().defaultTo(1)),
  );
  await index(db, "white_label_sites", ["custom_domain"], { unique: true });
  await index(db, "white_label_sites", ["owner_id"]);

  // A reseller's price rules: per category or per service, a margin or a fixed price, or hidden.
  await createTable(db, "site_price_rules", (t, ty) =>
    t
      .addColumn("site_id", ty.ref, (c) => c.notNull())
      .addColumn("scope", ty.str(10), (c) => c.notNull())
      .addColumn("target_id", ty.ref, (c) => c.notNull())
      .addColumn("margin_bp", "integer")
      .addColumn("fixed_rate", ty.money)
      .addColumn("hidden", ty.bool, (c) => c.notNull().defaultTo(0)),
  );
  await index(db, "site_price_rules", ["site_id", "scope", "target_id"], { unique: true });

  // Links a site customer's order to the platform order that fulfils it at the reseller's cost.
  await createTable(db, "site_orders", (t, ty) =>
    t
      .addColumn("site_id", ty.ref, (c) => c.notNull())
      .addColumn("customer_order_id", ty.ref, (c) => c.notNull().unique())
      .addColumn("platform_order_id", ty.ref, (c) => c.notNull().unique())
      .addColumn("site_price", ty.money, (c) => c.notNull())
      .addColumn("reseller_cost", ty.money, (c) => c.notNull())
      .addColumn("profit", ty.money, (c) => c.notNull()),
  );
  await index(db, "site_orders", ["site_id", "created_at"]);

  await createTable(db, "subscriptions", (t, ty) =>
    t
      .addColumn("uuid", ty.str(36), (c) => c.notNull().unique())
      .addColumn("user_id", ty.ref, (c) => c.notNull())
      .addColumn("site_id", ty.ref, (c) => c.notNull())
      .addColumn("plan_id", ty.ref, (c) => c.notNull())
      .addColumn("billing_cycle", ty.str(10), (c) => c.notNull())
      .addColumn("price", ty.money, (c) => c.notNull())
      // active | grace | suspended | canceled
      .addColumn("status", ty.str(20), (c) => c.notNull())
      .addColumn("current_period_start", ty.timestamp, (c) => c.notNull())
      .addColumn("current_period_end", ty.timestamp, (c) => c.notNull())
      .addColumn("grace_until", ty.timestamp)
      .addColumn("reminded_at", ty.timestamp)
      .addColumn("canceled_at", ty.timestamp),
  );
  await index(db, "subscriptions", ["site_id"]);
  await index(db, "subscriptions", ["status", "current_period_end"]);

  await createTable(db, "tickets", (t, ty) =>
    t
      .addColumn("uuid", ty.str(36), (c) => c.notNull().unique())
      .addColumn("site_id", ty.ref, (c) => c.notNull().defaultTo(0))
      .addColumn("user_id", ty.ref, (c) => c.notNull())
      .addColumn("subject", ty.str(200), (c) => c.notNull())
      .addColumn("category", ty.str(30), (c) => c.notNull().defaultTo("general"))
      .addColumn("priority", ty.str(10), (c) => c.notNull().defaultTo("normal"))
      .addColumn("status", ty.str(20), (c) => c.notNull().defaultTo("open"))
      .addColumn("order_id", ty.ref)
      .addColumn("assigned_to", ty.ref)
      .addColumn("last_reply_at", ty.timestamp)
      .addColumn("closed_at", ty.timestamp),
  );
  await index(db, "tickets", ["site_id", "user_id", "created_at"]);
  await index(db, "tickets", ["site_id", "status"]);

  await createTable(db, "ticket_messages", (t, ty) =>
    t
      .addColumn("ticket_id", ty.ref, (c) => c.notNull())
      .addColumn("user_id", ty.ref, (c) => c.notNull())
      .addColumn("is_staff", ty.bool, (c) => c.notNull().defaultTo(0))
      .addColumn("message", ty.text, (c) => c.notNull()),
  );
  await index(db, "ticket_messages", ["ticket_id", "created_at"]);

  await createTable(db, "notifications", (t, ty) =>
    t
      .addColumn("user_id", ty.ref, (c) => c.notNull())
      .addColumn("type", ty.str(50), (c) => c.notNull())
      .addColumn("title", ty.str(200), (c) => c.notNull())
      .addColumn("body", ty.text)
      .addColumn("data", ty.json)
      .addColumn("read_at", ty.timestamp),
  );
  await index(db, "notifications", ["user_id", "read_at"]);
  await index(db, "notifications", ["user_id", "created_at"]);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    "notifications",
    "ticket_messages",
    "tickets",
    "subscriptions",
    "site_orders",
    "site_price_rules",
    "white_label_sites",
    "white_label_plans",
    "white_label_templates",
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
