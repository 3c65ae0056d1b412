import { afterAll, beforeAll, expect, it } from "vitest";
import { sql } from "kysely";
import { describeEachDialect, makePlatform, type TestPlatform } from "../harness/platform.ts";
import { migrateFresh, migrateToLatest } from "../../src/db/migrate.ts";
import { seedAll } from "../../src/seed/seeders.ts";

const SEED_TABLES = [
  "users",
  "referral_relationships",
  "referral_commissions",
  "referral_flags",
  "platform_settings",
  "fee_structures",
  "api_providers",
  "categories",
  "services",
  "service_prices_override",
  "orders",
  "provider_logs",
  "payment_methods",
  "transactions",
  "invoices",
  "white_label_templates",
  "white_label_plans",
  "white_label_sites",
  "site_orders",
  "subscriptions",
  "api_keys",
  "api_logs",
  "tickets",
  "ticket_messages",
  "notifications",
  "user_statistics",
  "platform_statistics",
  "audit_logs",
  "bonuses",
  "user_bonuses",
  "sessions",
  "idempotency_keys",
  "job_locks",
];

describeEachDialect("migrations and seeders", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  it("create every table of the data model on an empty database", async () => {
    const tables = (await p.services.db.introspection.getTables()).map((t) => t.name);
    for (const t of SEED_TABLES) expect(tables, t).toContain(t);
  });

  it("are idempotent: running again applies nothing and seeds nothing twice", async () => {
    expect(await migrateToLatest(p.services.db)).toEqual([]);
    const again = await seedAll(p.ctx());
    expect(Object.values(again).every((n) => n === 0)).toBe(true);
    const methods = await p.services.db.selectFrom("payment_methods").select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
    expect(Number(methods.n)).toBe(5);
  });

  it("seed the region's payment methods, plans, templates and settings", async () => {
    const codes = (await p.services.db.selectFrom("payment_methods").select("code").execute()).map((r) => r.code);
    expect(codes).toEqual(expect.arrayContaining(["orange_money", "mtn_momo", "moov_money", "wave", "bank_transfer"]));
    expect((await p.services.db.selectFrom("white_label_plans").selectAll().execute()).length).toBe(3);
    expect((await p.services.db.selectFrom("white_label_templates").selectAll().execute()).length).toBeGreaterThanOrEqual(3);
    const currency = await p.services.db.selectFrom("platform_settings").select("value").where("key", "=", "currency").executeTakeFirstOrThrow();
    expect(currency.value).toBe("XOF");
  });

  it("migrate:fresh rebuilds an empty schema", async () => {
    await p.services.db
      .insertInto("categories")
      .values({ name: "x", slug: "x-fresh", created_at: "2026-01-01 00:00:00.000", updated_at: "2026-01-01 00:00:00.000" })
      .execute();
    const applied = await migrateFresh(p.services.db);
    expect(applied.length).toBeGreaterThan(0);
    expect(await p.services.db.selectFrom("categories").selectAll().execute()).toEqual([]);
    await seedAll(p.ctx());
  }, 120_000);
});
