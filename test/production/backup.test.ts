import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { createConnection } from "mysql2/promise";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, makePlatform, mysqlServerUrl, signUp, type TestPlatform } from "../harness/platform.ts";
import { expectLedgerHolds, fund } from "../harness/money.ts";
import { openDatabase, type DbHandle } from "../../src/db/database.ts";
import { ledgerViolations } from "../../src/wallet/ledger.ts";
import { inForeignKeyOrder } from "../../src/db/backup.ts";

const CLI = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

function cli(databaseUrl: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, NODE_ENV: "test", DATABASE_URL: databaseUrl, APP_URL: "http://izyboost.test", LOG_LEVEL: "silent" };
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
  });
}

/** Every table's row count, read the same way on both sides. */
async function rowCounts(handle: DbHandle): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of await handle.db.introspection.getTables()) {
    const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(t.name)}`.execute(handle.db);
    counts[t.name] = Number(r.rows[0]!.n);
  }
  return counts;
}

/** A new, empty target database: a path on SQLite, a schema on MariaDB. */
async function emptyTarget(dialect: string, dir: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (dialect !== "mysql") return { url: `sqlite:${join(dir, `restored-${randomBytes(4).toString("hex")}.db`)}`, drop: async () => {} };
  const name = `izy_restore_${randomBytes(6).toString("hex")}`;
  const conn = await createConnection(mysqlServerUrl());
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  return {
    url: `${mysqlServerUrl().replace(/\/+$/, "")}/${name}`,
    drop: async () => {
      const c = await createConnection(mysqlServerUrl());
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

describeEachDialect("db:backup and db:restore", (dialect) => {
  let p: TestPlatform;
  let dir: string;
  beforeAll(async () => {
    p = await makePlatform(dialect);
    dir = mkdtempSync(join(tmpdir(), "izy-backup-"));
  });
  afterAll(async () => {
    await p.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("round trip: the restored database has the same rows, the same balances, and the ledger holds", async () => {
    for (let i = 0; i < 3; i++) {
      const u = await signUp(p);
      await fund(p, u.user.id, `${1000 * (i + 1)}`);
    }
    // Text that must survive quoting: quotes, backslashes, newlines, non-Latin letters.
    await p.services.db
      .updateTable("users")
      .set({ full_name: 'O\'Brien \\ "quoted"\nÉloïse 日本' })
      .where("id", "=", (await signUp(p)).user.id)
      .execute();
    await expectLedgerHolds(p);

    const file = join(dir, `backup-${dialect}`);
    const backup = await cli(p.services.config.DATABASE_URL!, ["db:backup", "--output", file]);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/^Backup written to .*: \d+ tables, \d+ rows, \d+ bytes/);
    expect(backup.stderr.length).toBeGreaterThan(0);

    const target = await emptyTarget(dialect, dir);
    try {
      const restore = await cli(target.url, ["db:restore", "--input", file]);
      expect(restore.code, restore.stderr).toBe(0);
      const restored = openDatabase({ url: target.url, dataDir: dir });
      try {
        expect(await rowCounts(restored)).toEqual(await rowCounts(p.handle));
        expect(await ledgerViolations({ db: restored.db })).toEqual([]);
        const balances = (h: DbHandle) => h.db.selectFrom("users").select(["id", "balance", "full_name", "email"]).orderBy("id").execute();
        expect(await balances(restored)).toEqual(await balances(p.handle));
      } finally {
        await restored.close();
      }
      // A restore never merges into a database that holds data.
      const again = await cli(target.url, ["db:restore", "--input", file]);
      expect(again.code).toBe(64);
      expect(again.stderr).toMatch(/not empty|already holds a database/);
    } finally {
      await target.drop();
    }
  });

  it("refuses a file that is not a backup", async () => {
    const junk = join(dir, "junk.txt");
    writeFileSync(junk, "hello");
    const target = await emptyTarget(dialect, dir);
    try {
      const run = await cli(target.url, ["db:restore", "--input", junk]);
      expect(run.code).toBe(64);
      expect(run.stderr).toContain("neither a SQLite backup nor an IzyBoost MySQL dump");
    } finally {
      await target.drop();
    }
  });
});

it("orders tables parents first, whatever the order they are listed in", () => {
  const order = inForeignKeyOrder(
    ["transactions", "users", "orders", "services"],
    [
      { child: "transactions", parent: "users" },
      { child: "orders", parent: "users" },
      { child: "orders", parent: "services" },
      { child: "users", parent: "users" },
    ],
  );
  expect(order.indexOf("users")).toBeLessThan(order.indexOf("transactions"));
  expect(order.indexOf("users")).toBeLessThan(order.indexOf("orders"));
  expect(order.indexOf("services")).toBeLessThan(order.indexOf("orders"));
});
