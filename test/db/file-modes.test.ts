import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { sql } from "kysely";
import { openDatabase } from "../../src/db/database.ts";

const mode = (path: string) => statSync(path).mode & 0o777;
const root = mkdtempSync(join(tmpdir(), "izy-modes-"));
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));

it("creates the SQLite directory for its owner only (0700) and the database, -wal and -shm files 0600", async () => {
  const dir = join(root, "fresh", "data");
  const handle = openDatabase({ dataDir: dir });
  try {
    await sql`create table t (x integer)`.execute(handle.db);
    await sql`insert into t values (1)`.execute(handle.db);
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(root, "fresh"))).toBe(0o700);
    for (const file of ["izyboost.db", "izyboost.db-wal", "izyboost.db-shm"]) expect(mode(join(dir, file)), file).toBe(0o600);
  } finally {
    await handle.close();
  }
});

it("narrows an existing database file readable by others to 0600, and leaves an existing directory as it is", async () => {
  const dir = join(root, "old");
  const file = join(dir, "old.db");
  await openDatabase({ url: `sqlite:${file}`, dataDir: dir }).close();
  chmodSync(dir, 0o755);
  chmodSync(file, 0o644);
  writeFileSync(`${file}-wal`, "");
  chmodSync(`${file}-wal`, 0o644);
  const handle = openDatabase({ url: `sqlite:${file}`, dataDir: dir });
  try {
    await sql`create table t (x integer)`.execute(handle.db);
    expect(mode(file)).toBe(0o600);
    expect(mode(`${file}-wal`)).toBe(0o600);
    expect(mode(`${file}-shm`)).toBe(0o600);
    expect(mode(dir)).toBe(0o755);
  } finally {
    await handle.close();
  }
});
