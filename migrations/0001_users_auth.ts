import { sql, type Kysely } from "kysely";
import { createTable, index } from "../src/db/migration-helpers.ts";

// site_id = 0 is the platform itself; any other value is a white-label site (a separate population).
export async function up(db: Kysely<any>): Promise<void> {
  await createTable(db, "users", (t, ty) =>
    t
      .addColumn("uuid", ty.str(36), (c) => c.notNull().unique())
      .addColumn("site_id", ty.ref, (c) => c.notNull().defaultTo(0))
      // Usernames are unique regardless of case (MySQL's collation already is; SQLite needs NOCASE).
      .addColumn("username", ty.str(50), (c) => (ty.mysql ? c.notNull() : c.notNull().modifyEnd(sql`collate nocase`)))
      .addColumn("email", ty.str(190), (c) => c.notNull())
      .addColumn("password_hash", ty.str(255), (c) => c.notNull())
      .addColumn("role", ty.str(20), (c) => c.notNull().defaultTo("user"))
      .addColumn("balance", ty.money, (c) => c.notNull().defaultTo(0))
      .addColumn("referral_code", ty.str(20), (c) => c.notNull().unique())
      .addColumn("referred_by", ty.ref)
      .addColumn("is_banned", ty.bool, (c) => c.notNull().defaultTo(0))
      .addColumn("ban_reason", ty.str(255))
      .addColumn("language", ty.str(5), (c) => c.notNull().defaultTo("fr"))
      .addColumn("full_name", ty.str(120))
      .addColumn("phone", ty.str(40))
      .addColumn("email_verified_at", ty.timestamp)
      .addColumn("last_login_at", ty.timestamp)
      .addColumn("last_login_ip", ty.str(45))
      .addColumn("deleted_at", ty.timestamp),
  );
  await index(db, "users", ["site_id", "email"], { unique: true });
  await index(db, "users", ["site_id", "username"], { unique: true });
  await index(db, "users", ["referred_by"]);

  await createTable(
    db,
    "sessions",
    (t, ty) =>
      t
        .addColumn("id", ty.str(64), (c) => c.primaryKey())
        .addColumn("user_id", ty.ref, (c) => c.notNull())
        .addColumn("site_id", ty.ref, (c) => c.notNull().defaultTo(0))
        .addColumn("expires_at", ty.timestamp, (c) => c.notNull())
        .addColumn("csrf_token", ty.str(64), (c) => c.notNull())
        .addColumn("ip", ty.str(45))
        .addColumn("user_agent", ty.str(255))
        .addColumn("created_at", ty.timestamp, (c) => c.notNull()),
    { id: false, timestamps: false },
  );
  await index(db, "sessions", ["user_id"]);
  await index(db, "sessions", ["expires_at"]);

  await createTable(db, "referral_relationships", (t, ty) =>
    t
      .addColumn("user_id", ty.ref, (c) => c.notNull())
      .addColumn("referrer_id", ty.ref, (c) => c.notNull())
      .addColumn("level", "integer", (c) => c.notNull()),
  );
  await index(db, "referral_relationships", ["user_id", "level"], { unique: true });
  await index(db, "referral_relationships", ["referrer_id", "level"]);

  await createTable(db, "referral_commissions", (t, ty) =>
    t
      .addColumn("referrer_id", ty.ref, (c) => c.notNull())
      .addColumn("referred_user_id", ty.ref, (c) => c.notNull())
      .addColumn("order_id", ty.ref, (c) => c.notNull())
      .addColumn("level", "integer", (c) => c.notNull())
      .addColumn("rate_bp", "integer", (c) => c.notNull())
      .addColumn("amount", ty.money, (c) => c.notNull())
      .addColumn("status", ty.str(20), (c) => c.notNull().defaultTo("credited"))
      .addColumn("transaction_id", ty.ref)
      .addColumn("reversal_transaction_id", ty.ref),
  );
  await index(db, "referral_commissions", ["order_id", "level"], { unique: true });
  await index(db, "referral_commissions", ["referrer_id", "created_at"]);

  await createTable(
    db,
    "platform_settings",
    (t, ty) =>
      t
        .addColumn("key", ty.str(100), (c) => c.primaryKey())
        .addColumn("value", ty.text, (c) => c.notNull())
        .addColumn("type", ty.str(20), (c) => c.notNull().defaultTo("string"))
        .addColumn("group", ty.str(50), (c) => c.notNull().defaultTo("general"))
        .addColumn("description", ty.str(255)),
    { id: false },
  );

  await createTable(db, "api_keys", (t, ty) =>
    t
      .addColumn("uuid", ty.str(36), (c) => c.notNull().unique())
      .addColumn("site_id", ty.ref, (c) => c.notNull().defaultTo(0))
      .addColumn("user_id", ty.ref, (c) => c.notNull())
      .addColumn("name", ty.str(100), (c) => c.notNull())
      .addColumn("key_hash", ty.str(64), (c) => c.notNull().unique())
      .addColumn("prefix", ty.str(16), (c) => c.notNull())
      .addColumn("permissions", ty.json, (c) => c.notNull())
      .addColumn("rate_limit_per_minute", "integer", (c) => c.notNull().defaultTo(60))
      .addColumn("ip_whitelist", ty.json)
      .addColumn("expires_at", ty.timestamp)
      .addColumn("last_used_at", ty.timestamp)
      .addColumn("last_used_ip", ty.str(45))
      .addColumn("revoked_at", ty.timestamp),
  );
  await index(db, "api_keys", ["user_id"]);

  await createTable(
    db,
    "api_logs",
    (t, ty) =>
      t
        .addColumn("api_key_id", ty.ref, (c) => c.notNull())
        .addColumn("method", ty.str(10), (c) => c.notNull())
        .addColumn("path", ty.str(255), (c) => c.notNull())
        .addColumn("status", "integer", (c) => c.notNull())
        .addColumn("ip", ty.str(45))
        .addColumn("duration_ms", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", ty.timestamp, (c) => c.notNull()),
    { timestamps: false },
  );
  await index(db, "api_logs", ["api_key_id", "created_at"]);
  await index(db, "api_logs", ["created_at"]);

  await createTable(
    db,
    "audit_logs",
    (t, ty) =>
      t
        .addColumn("actor_id", ty.ref)
        .addColumn("site_id", ty.ref, (c) => c.notNull().defaultTo(0))
        .addColumn("action", ty.str(100), (c) => c.notNull())
        .addColumn("target_type", ty.str(50))
        .addColumn("target_id", ty.str(64))
        .addColumn("data", ty.json)
        .addColumn("ip", ty.str(45))
        .addColumn("created_at", ty.timestamp, (c) => c.notNull()),
    { timestamps: false },
  );
  await index(db, "audit_logs", ["target_type", "target_id"]);
  await index(db, "audit_logs", ["created_at"]);

  await createTable(
    db,
    "idempotency_keys",
    (t, ty) =>
      t
        .addColumn("scope", ty.str(64), (c) => c.notNull())
        .addColumn("key", ty.str(255), (c) => c.notNull())
        .addColumn("request_hash", ty.str(64), (c) => c.notNull())
        .addColumn("status", ty.str(20), (c) => c.notNull().defaultTo("in_flight"))
        .addColumn("response_status", "integer")
        .addColumn("response_body", ty.text)
        .addColumn("created_at", ty.timestamp, (c) => c.notNull())
        .addColumn("expires_at", ty.timestamp, (c) => c.notNull()),
    { timestamps: false },
  );
  await index(db, "idempotency_keys", ["scope", "key"], { unique: true });
  await index(db, "idempotency_keys", ["expires_at"]);

  await createTable(
    db,
    "job_locks",
    (t, ty) =>
      t
        .addColumn("name", ty.str(100), (c) => c.primaryKey())
        .addColumn("owner", ty.str(64), (c) => c.notNull())
        .addColumn("locked_until", ty.timestamp, (c) => c.notNull()),
    { id: false, timestamps: false },
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    "job_locks",
    "idempotency_keys",
    "audit_logs",
    "api_logs",
    "api_keys",
    "platform_settings",
    "referral_commissions",
    "referral_relationships",
    "sessions",
    "users",
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
