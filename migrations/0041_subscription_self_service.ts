import type { Kysely } from "kysely";
import { columnTypes } from "../src/db/migration-helpers.ts";

const ADDED: [table: string, column: string][] = [
  ["white_label_plans", "customer_api"],
  ["subscriptions", "cancel_requested_at"],
  ["subscriptions", "pending_plan_id"],
  ["subscriptions", "pending_billing_cycle"],
  ["white_label_sites", "deleted_at"],
];

/**
 * A reseller's subscription from its own pages (docs/white-label.md): whether a plan lets a site's
 * customers use the API (machine-readable, beside `max_customers` and `allows_custom_domain`; the
 * plans that advertised it get it), a cancellation at the period end, a downgrade waiting for the
 * period end, and the owner's deletion of a site (disabled, kept for its ledger).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const { bool, ref, timestamp, str } = columnTypes(db);
  await db.schema
    .alterTable("white_label_plans")
    .addColumn("customer_api", bool, (c) => c.notNull().defaultTo(0))
    .execute();
  await db.updateTable("white_label_plans").set({ customer_api: 1 }).where("slug", "in", ["business", "enterprise"]).execute();
  await db.schema.alterTable("subscriptions").addColumn("cancel_requested_at", timestamp).execute();
  await db.schema.alterTable("subscriptions").addColumn("pending_plan_id", ref).execute();
  await db.schema.alterTable("subscriptions").addColumn("pending_billing_cycle", str(10)).execute();
  await db.schema.alterTable("white_label_sites").addColumn("deleted_at", timestamp).execute();
}

// Also called by migrate:fresh on a database where this migration may never have run.
export async function down(db: Kysely<any>): Promise<void> {
  const tables = await db.introspection.getTables();
  for (const [table, column] of [...ADDED].reverse()) {
    const columns = tables.find((t) => t.name === table)?.columns.map((c) => c.name) ?? [];
    if (columns.includes(column)) await db.schema.alterTable(table).dropColumn(column).execute();
  }
}
