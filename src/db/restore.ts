import { closeSync, copyFileSync, createReadStream, existsSync, openSync, readSync, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { DatabaseSync } from "node:sqlite";
import type { Connection, RowDataPacket } from "mysql2";
import { DUMP_HEADER, rawMysqlConnection, type BackupProgress } from "./backup.ts";

/** A restore that cannot go ahead; the message says why (printed as is by the CLI). */
export class RestoreRefused extends Error {}

const SQLITE_MAGIC = "SQLite format 3\u0000";

function firstBytes(file: string, n: number): string {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(n);
    const read = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, read).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** What kind of backup a file is: a SQLite database (`VACUUM INTO`) or our MySQL dump. */
function backupKind(file: string): "sqlite" | "mysql" {
  if (!existsSync(file)) throw new RestoreRefused(`${file}: no such file`);
  const head = firstBytes(file, DUMP_HEADER.length);
  if (head.startsWith(SQLITE_MAGIC)) return "sqlite";
  if (head === DUMP_HEADER) return "mysql";
  throw new RestoreRefused(`${file}: neither a SQLite backup nor an IzyBoost MySQL dump`);
}

/**
 * Restores a SQLite backup as the database file at `target`, which must not exist or be empty (a
 * restore never merges into live data). The copy is checked before it is reported done.
 */
export function restoreSqlite(file: string, target: string, progress: BackupProgress): void {
  if (backupKind(file) !== "sqlite") throw new RestoreRefused("a MySQL dump restores into MySQL/MariaDB only (DATABASE_URL=mysql://…)");
  if (existsSync(target) && statSync(target).size > 0) throw new RestoreRefused(`${target} already holds a database; restore into a new path`);
  progress.start("copying the SQLite backup", 1);
  copyFileSync(file, target);
  const db = new DatabaseSync(target);
  try {
    const check = db.prepare("PRAGMA integrity_check").get() as { integrity_check: string };
    if (check.integrity_check !== "ok") throw new RestoreRefused(`${target}: integrity check failed (${check.integrity_check})`);
  } finally {
    db.close();
  }
  progress.done(`restored into ${target}`);
}

function query(conn: Connection, text: string): Promise<RowDataPacket[]> {
  return new Promise((resolve, reject) => conn.query(text, (err, rows) => (err ? reject(err) : resolve(rows as RowDataPacket[]))));
}

/** Replays our MySQL dump into the (empty) database of `url`, one statement per line. */
export async function restoreMysql(file: string, url: string, progress: BackupProgress): Promise<{ statements: number }> {
  if (backupKind(file) !== "mysql") throw new RestoreRefused("a SQLite backup restores into SQLite only (copy it as the database file)");
  const conn = rawMysqlConnection(url);
  try {
    const [{ n }] = (await query(conn, "SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")) as [{ n: string }];
    if (Number(n) > 0) throw new RestoreRefused("the target database is not empty; restore into a new, empty database");
    const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
    progress.start("restoring", statSync(file).size);
    let statements = 0;
    for await (const line of lines) {
      progress.tick(Buffer.byteLength(line) + 1);
      if (!line || line.startsWith("--")) continue;
      await query(conn, line);
      statements++;
    }
    progress.done(`${statements} statements`);
    return { statements };
  } finally {
    conn.end();
  }
}
