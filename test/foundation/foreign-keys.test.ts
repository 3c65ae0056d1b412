import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Migrator } from "kysely/migration";
import { createConnection } from "mysql2/promise";
import { openDatabase, type DbHandle, type DialectName } from "../../src/db/database.ts";
import { declaredForeignKeys } from "../../src/db/foreign-keys.ts";
import { migrations } from "../../src/db/migrate.ts";
import { RELATIONS as RELATIONS_0013 } from "../../migrations/0013_foreign_keys.ts";
import { REFERRAL_FLAG_RELATIONS } from "../../migrations/0019_referral_safeguards.ts";
import { TWO_FACTOR_RELATIONS } from "../../migrations/0017_two_factor.ts";
import { RELATIONS as RESET_TOKEN_RELATIONS } from "../../migrations/0020_reset_token_owner.ts";
import { SYNC_RUN_RELATIONS } from "../../migrations/0032_catalogue_console.ts";
import { balanceOf, expectLedgerHolds, fund } from "../harness/money.ts";
import { describeEachDialect, makePlatform, mysqlServerUrl, signUp, type TestPlatform } from "../harness/platform.ts";

/** Every relation the migrations declare: 0013's list and those of tables created later. */
const RELATIONS = [...RELATIONS_0013, ...REFERRAL_FLAG_RELATIONS];

const T = "2026-01-01 00:00:00.000";

/** An empty database of the dialect, without migrations, and a migrator over it. */
async function emptyDatabase(dialect: DialectName): Promise<{ handle: DbHandle; migrator: Migrator; drop(): Promise<void> }> {
  let handle: DbHandle;
  let cleanup: () => Promise<void>;
  if (dialect === "mysql") {
    const name = `izy_test_${randomBytes(6).toString("hex")}`;
    const conn = await createConnection(mysqlServerUrl());
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.end();
    handle = openDatabase({ url: `${mysqlServerUrl().replace(/\/+$/, "")}/${name}`, dataDir: tmpdir() });
    cleanup = async () => {
      const c = await createConnection(mysqlServerUrl());
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), "izy-fk-"));
    handle = openDatabase({ url: `sqlite:${join(dir, "test.db")}`, dataDir: dir });
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } });
  return {
    handle,
    migrator,
    async drop() {
      await handle.close();
      await cleanup();
    },
  };
}

/** The last migration before the foreign keys: a database as it was before they existed. */
const BEFORE_FOREIGN_KEYS = Object.keys(migrations)
  .filter((name) => name < "0013")
  .at(-1)!;

/** A user, a provider, a service and an order of that user, inserted by hand as an old database holds them. */
async function existingData(db: DbHandle["db"]) {
  const user = (n: string) => ({
    uuid: randomUUID(),
    username: n,
    email: `${n}@example.com`,
    password_hash: "x",
    referral_code: n.toUpperCase(),
    created_at: T,
    updated_at: T,
  });
  const userId = Number((await db.insertInto("users").values(user("alice")).executeTakeFirstOrThrow()).insertId);
  const providerId = Number(
    (
      await db
        .insertInto("api_providers")
        .values({ name: "p", url: "http://127.0.0.1:9/api/v2", api_key: "k", created_at: T, updated_at: T })
        .executeTakeFirstOrThrow()
    ).insertId,
  );
  const categoryId = Number(
    (await db.insertInto("categories").values({ name: "c", slug: "c", created_at: T, updated_at: T }).executeTakeFirstOrThrow()).insertId,
  );
  const serviceId = Number(
    (
      await db
        .insertInto("services")
        .values({
          provider_id: providerId,
          provider_service_id: "1",
          category_id: categoryId,
          name: "s",
          provider_rate: 1,
          base_rate: 1,
          rate: 1,
          created_at: T,
          updated_at: T,
        })
        .executeTakeFirstOrThrow()
    ).insertId,
  );
  const orderId = Number(
    (
      await db
        .insertInto("orders")
        .values({
          uuid: randomUUID(),
          user_id: userId,
          service_id: serviceId,
          provider_id: providerId,
          quantity: 10,
          rate: 1,
          charge: 1,
          currency: "XOF",
          created_at: T,
          updated_at: T,
        })
        .executeTakeFirstOrThrow()
    ).insertId,
  );
  // A user removed by hand before the constraints existed: its id must never be handed out again.
  const goneId = Number((await db.insertInto("users").values(user("gone")).executeTakeFirstOrThrow()).insertId);
  await db.deleteFrom("users").where("id", "=", goneId).execute();
  return { userId, providerId, orderId, goneId };
}

describeEachDialect("foreign keys", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  it("are declared by the database for every relation, with its ON DELETE rule", async () => {
    const declared = await declaredForeignKeys(p.services.db);
    for (const r of [...RELATIONS, ...TWO_FACTOR_RELATIONS, ...RESET_TOKEN_RELATIONS, ...SYNC_RUN_RELATIONS]) {
      expect(declared, `${r.table}.${r.column}`).toContainEqual(
        expect.objectContaining({ table: r.table, column: r.column, references: r.references, onDelete: r.onDelete }),
      );
    }
    expect(declared).toContainEqual(expect.objectContaining({ table: "transactions", column: "user_id", references: "users", onDelete: "restrict" }));
  });

  it("refuse a ledger row for a user that does not exist, and leave the ledger as it was", async () => {
    const before = await p.services.db
      .selectFrom("transactions")
      .select((e) => e.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    await expect(
      p.services.db
        .insertInto("transactions")
        .values({ uuid: randomUUID(), user_id: 987_654, type: "adjustment", amount: 1_000_000, status: "completed", created_at: T, updated_at: T })
        .execute(),
    ).rejects.toThrow(/foreign key/i);
    const after = await p.services.db
      .selectFrom("transactions")
      .select((e) => e.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("refuse hard-deleting a user who has ledger rows (users are only soft-deleted)", async () => {
    const { user } = await signUp(p);
    await fund(p, user.id, "1500");
    await expect(p.services.db.deleteFrom("users").where("id", "=", user.id).execute()).rejects.toThrow(/foreign key/i);
    expect(await balanceOf(p, user.id)).toBe(1_500_000_000);
    await expectLedgerHolds(p);
  });

  it("refuse a site's price rule or order link for a site that does not exist, but keep platform rows (site_id 0) free", async () => {
    await expect(
      p.services.db
        .insertInto("site_price_rules")
        .values({ site_id: 424_242, scope: "service", target_id: 1, margin_bp: 100, created_at: T, updated_at: T })
        .execute(),
    ).rejects.toThrow(/foreign key/i);
    const { user } = await signUp(p);
    await fund(p, user.id, "10");
    const row = await p.services.db.selectFrom("transactions").select("site_id").where("user_id", "=", user.id).executeTakeFirstOrThrow();
    expect(Number(row.site_id)).toBe(0);
  });

  it("delete a user's sessions with the user, who can no longer sign in with them", async () => {
    const { user, token } = await signUp(p);
    expect((await p.request("/api/me", { token })).status).toBe(200);
    await p.services.db.deleteFrom("users").where("id", "=", user.id).execute();
    expect(await p.services.db.selectFrom("sessions").select("id").where("user_id", "=", user.id).execute()).toEqual([]);
    expect((await p.request("/api/me", { token })).status).toBe(401);
  });

  it("delete a user's password-reset tokens with the user, and refuse a token for a user that does not exist", async () => {
    const { user } = await signUp(p);
    const token = (id: string, userId: number) => ({ id, user_id: userId, site_id: 0, expires_at: T, created_at: T });
    await p.services.db
      .insertInto("password_reset_tokens")
      .values(token(randomBytes(32).toString("hex"), user.id))
      .execute();
    await expect(
      p.services.db
        .insertInto("password_reset_tokens")
        .values(token(randomBytes(32).toString("hex"), 987_654))
        .execute(),
    ).rejects.toThrow(/foreign key/i);
    await p.services.db.deleteFrom("users").where("id", "=", user.id).execute();
    expect(await p.services.db.selectFrom("password_reset_tokens").select("id").where("user_id", "=", user.id).execute()).toEqual([]);
  });
});

describeEachDialect("adding the foreign keys to a database that has data", (dialect) => {
  it("drops the reset tokens of users that are gone and keeps the others (migration 0020)", async () => {
    const d = await emptyDatabase(dialect);
    try {
      const db = d.handle.db;
      const beforeReset = Object.keys(migrations)
        .filter((name) => name < "0020")
        .at(-1)!;
      expect((await d.migrator.migrateTo(beforeReset)).error).toBeUndefined();
      const { userId, goneId } = await existingData(db);
      const token = (id: string, user: number) => ({ id, user_id: user, site_id: 0, expires_at: T, created_at: T });
      await db
        .insertInto("password_reset_tokens")
        .values([token("kept", userId), token("orphan", goneId)])
        .execute();
      expect((await d.migrator.migrateToLatest()).error).toBeUndefined();
      expect((await db.selectFrom("password_reset_tokens").select("id").execute()).map((t) => t.id)).toEqual(["kept"]);
      expect(await declaredForeignKeys(db)).toContainEqual(
        expect.objectContaining({ table: "password_reset_tokens", column: "user_id", references: "users", onDelete: "cascade" }),
      );
    } finally {
      await d.drop();
    }
  }, 120_000);

  it("drops orphan sessions, clears dangling optional links, and keeps every other row, index and id counter", async () => {
    const d = await emptyDatabase(dialect);
    try {
      const db = d.handle.db;
      expect((await d.migrator.migrateTo(BEFORE_FOREIGN_KEYS)).error).toBeUndefined();
      const { userId, providerId, orderId, goneId } = await existingData(db);
      const session = (id: string, user: number) => ({ id, user_id: user, expires_at: T, csrf_token: "c", site_id: 0, created_at: T });
      await db
        .insertInto("sessions")
        .values([session("kept", userId), session("orphan", 999_999)])
        .execute();
      const log = (order: number) => ({ provider_id: providerId, order_id: order, action: "status", request: "{}", created_at: T });
      await db
        .insertInto("provider_logs")
        .values([log(orderId), log(999_999)])
        .execute();
      await db
        .insertInto("transactions")
        .values({ uuid: randomUUID(), user_id: userId, type: "deposit", amount: 5, status: "completed", order_id: orderId, created_at: T, updated_at: T })
        .execute();

      expect((await d.migrator.migrateToLatest()).error).toBeUndefined();

      expect((await db.selectFrom("sessions").select("id").execute()).map((s) => s.id)).toEqual(["kept"]);
      expect((await db.selectFrom("provider_logs").select("order_id").orderBy("id").execute()).map((l) => l.order_id)).toEqual([orderId, null]);
      expect(await db.selectFrom("transactions").select(["user_id", "order_id"]).execute()).toEqual([{ user_id: userId, order_id: orderId }]);
      // The rebuilt users table still has its unique index and its id counter.
      await expect(
        db
          .insertInto("users")
          .values({ uuid: randomUUID(), username: "ALICE", email: "alice@example.com", password_hash: "x", referral_code: "R2", created_at: T, updated_at: T })
          .execute(),
      ).rejects.toThrow();
      const next = await db
        .insertInto("users")
        .values({ uuid: randomUUID(), username: "bob", email: "bob@example.com", password_hash: "x", referral_code: "BOB", created_at: T, updated_at: T })
        .executeTakeFirstOrThrow();
      expect(Number(next.insertId)).toBeGreaterThan(goneId);
      expect((await declaredForeignKeys(db)).length).toBeGreaterThanOrEqual(RELATIONS.length);
    } finally {
      await d.drop();
    }
  }, 120_000);

  it("refuses, changing nothing, while ledger rows point to a missing user; succeeds once they are repaired", async () => {
    const d = await emptyDatabase(dialect);
    try {
      const db = d.handle.db;
      expect((await d.migrator.migrateTo(BEFORE_FOREIGN_KEYS)).error).toBeUndefined();
      const { userId } = await existingData(db);
      await db.insertInto("sessions").values({ id: "orphan", user_id: 999_999, expires_at: T, csrf_token: "c", site_id: 0, created_at: T }).execute();
      const orphan = { uuid: randomUUID(), user_id: 999_999, type: "deposit", amount: 5, status: "completed", created_at: T, updated_at: T } as const;
      await db.insertInto("transactions").values(orphan).execute();

      const refused = await d.migrator.migrateToLatest();
      expect(String(refused.error)).toMatch(/1 transactions row\(s\) have a user_id with no users row/);
      expect(await declaredForeignKeys(db)).toEqual([]);
      expect((await db.selectFrom("sessions").select("id").execute()).length).toBe(1);

      // The operator's repair: the money was the real user's.
      await db.updateTable("transactions").set({ user_id: userId }).where("uuid", "=", orphan.uuid).execute();
      expect((await d.migrator.migrateToLatest()).error).toBeUndefined();
      expect((await db.selectFrom("sessions").select("id").execute()).length).toBe(0);
      expect((await declaredForeignKeys(db)).length).toBeGreaterThanOrEqual(RELATIONS.length);
    } finally {
      await d.drop();
    }
  }, 120_000);
});
