import type { Kysely } from "kysely";
import { addForeignKeys, dropForeignKeys, type ForeignKey } from "../src/db/foreign-keys.ts";

const fk = (table: string, column: string, references: string, onDelete: ForeignKey["onDelete"] = "restrict"): ForeignKey => ({
  table,
  column,
  references,
  onDelete,
});

/**
 * The relations the database itself enforces (docs/architecture.md, "Data rules"). Users are
 * soft-deleted and sites disabled, never removed, so whatever holds money or history is RESTRICT;
 * CASCADE only for rows that mean nothing without their parent; SET NULL for an optional pointer.
 * `site_id` columns that may be 0 (the platform) have no constraint; only rows that always belong
 * to a real site point to white_label_sites. Parents come before their children: orphans are
 * settled in this order.
 */
export const RELATIONS: ForeignKey[] = [
  fk("users", "referred_by", "users", "set null"),
  fk("sessions", "user_id", "users", "cascade"),
  fk("api_keys", "user_id", "users", "cascade"),
  fk("api_logs", "api_key_id", "api_keys", "cascade"),
  fk("audit_logs", "actor_id", "users"),
  fk("referral_relationships", "user_id", "users"),
  fk("referral_relationships", "referrer_id", "users"),
  fk("notifications", "user_id", "users", "cascade"),
  fk("user_statistics", "user_id", "users", "cascade"),

  fk("services", "provider_id", "api_providers"),
  fk("services", "category_id", "categories"),
  fk("service_prices_override", "user_id", "users", "cascade"),
  fk("service_prices_override", "service_id", "services", "cascade"),

  fk("orders", "user_id", "users"),
  fk("orders", "service_id", "services"),
  fk("orders", "provider_id", "api_providers"),
  fk("orders", "api_key_id", "api_keys", "set null"),
  fk("orders", "parent_order_id", "orders"),
  fk("refills", "order_id", "orders"),
  fk("provider_logs", "provider_id", "api_providers"),
  fk("provider_logs", "order_id", "orders", "set null"),

  fk("fee_structures", "payment_method_id", "payment_methods", "cascade"),
  fk("transactions", "user_id", "users"),
  fk("transactions", "order_id", "orders"),
  fk("transactions", "payment_method_id", "payment_methods"),
  fk("transactions", "verified_by", "users"),
  fk("referral_commissions", "referrer_id", "users"),
  fk("referral_commissions", "referred_user_id", "users"),
  fk("referral_commissions", "order_id", "orders"),
  fk("referral_commissions", "transaction_id", "transactions"),
  fk("referral_commissions", "reversal_transaction_id", "transactions"),
  fk("user_bonuses", "user_id", "users"),
  fk("user_bonuses", "bonus_id", "bonuses"),
  fk("user_bonuses", "transaction_id", "transactions"),

  fk("white_label_sites", "owner_id", "users"),
  fk("white_label_sites", "plan_id", "white_label_plans"),
  fk("white_label_sites", "template_id", "white_label_templates"),
  fk("site_price_rules", "site_id", "white_label_sites", "cascade"),
  fk("site_orders", "site_id", "white_label_sites"),
  fk("site_orders", "customer_order_id", "orders"),
  fk("site_orders", "platform_order_id", "orders"),
  fk("subscriptions", "user_id", "users"),
  fk("subscriptions", "site_id", "white_label_sites"),
  fk("subscriptions", "plan_id", "white_label_plans"),
  fk("invoices", "user_id", "users"),
  fk("invoices", "transaction_id", "transactions"),
  fk("invoices", "subscription_id", "subscriptions"),

  fk("tickets", "user_id", "users"),
  fk("tickets", "order_id", "orders", "set null"),
  fk("tickets", "assigned_to", "users", "set null"),
  fk("ticket_messages", "ticket_id", "tickets", "cascade"),
  fk("ticket_messages", "user_id", "users"),
];

export async function up(db: Kysely<any>): Promise<void> {
  await addForeignKeys(db, RELATIONS);
}

// Also called by migrate:fresh on a database where this migration may never have run.
export async function down(db: Kysely<any>): Promise<void> {
  await dropForeignKeys(db, RELATIONS);
}
