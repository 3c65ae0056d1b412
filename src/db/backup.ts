import { createWriteStream, statSync, type WriteStream } from "node:fs";
import { sql } from "kysely";
import mysql, { type Connection, type RowDataPacket } from "mysql2";
import type { Db, DbHandle } from "./database.ts";

/** How a long copy reports itself (the jobs' Progress fits): a step per table, a tick per batch of rows. */
export interface BackupProgress {
  start(label: string, total: number): void;
  tick(n?: number): void;
  done(summary?: string): void;
}

/** The first line of our logical dump, which `db:restore` checks. */
export const DUMP_HEADER = "-- IzyBoost logical dump v1";
/** One INSERT holds at most this many rows or bytes (well under MariaDB's default max_allowed_packet). */
const BATCH_ROWS = 500;
const BATCH_BYTES = 512 * 1024;

interface BackupResult {
  tables: number;
  rows: number;
  bytes: number;
}

/**
 * Writes a consistent copy of the database to `file`: SQLite through `VACUUM INTO` (a database file),
 * MySQL/MariaDB as our own SQL dump read in one REPEATABLE READ snapshot (no `mysqldump` needed).
 */
export async function backupDatabase(handle: DbHandle, url: string | undefined, file: string, progress: BackupProgress): Promise<BackupResult> {
  if (handle.dialect === "sqlite") return backupSqlite(handle.db, file, progress);
  if (!url) throw new Error("DATABASE_URL is required for a MySQL backup");
  return backupMysql(url, file, progress);
}

async function backupSqlite(db: Db, file: string, progress: BackupProgress): Promise<BackupResult> {
  const tables = await db.introspection.getTables();
  progress.start("copying the SQLite database", 1);
  // VACUUM INTO reads one snapshot and writes a compact, self-contained file (it refuses an existing one).
  await sql`VACUUM INTO ${file}`.execute(db);
  let rows = 0;
  for (const t of tables) {
    const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(t.name)}`.execute(db);
    rows += Number(r.rows[0]?.n ?? 0);
  }
  const bytes = statSync(file).size;
  progress.done(`${tables.length} tables, ${rows} rows, ${bytes} bytes`);
  return { tables: tables.length, rows, bytes };
}

/** A mysql2 connection that reads values as text we can write back unchanged (dates, big numbers, JSON). */
export function rawMysqlConnection(url: string, multipleStatements = false): Connection {
  const u = new URL(url.replace(/^mariadb:/, "mysql:"));
  return mysql.createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.replace(/^\//, ""),
    dateStrings: true,
    timezone: "Z",
    supportBigNumbers: true,
    bigNumberStrings: true,
    charset: "utf8mb4",
    multipleStatements,
    // JSON columns stay text, so they are written back as they were read.
    typeCast: (field, next) => (field.type === "JSON" ? field.string("utf8") : next()),
  });
}

function query<T = RowDataPacket[]>(conn: Connection, text: string, values: unknown[] = []): Promise<T> {
  return new Promise((resolve, reject) => conn.query(text, values, (err, rows) => (err ? reject(err) : resolve(rows as T))));
}

/** Parents before children (self-references ignored), so a restore with checks on would also work. */
export function inForeignKeyOrder(tables: string[], edges: { child: string; parent: string }[]): string[] {
  const ordered: string[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const visit = (t: string) => {
    if (placed.has(t) || visiting.has(t)) return;
    visiting.add(t);
    for (const e of edges) if (e.child === t && e.parent !== t && tables.includes(e.parent)) visit(e.parent);
    visiting.delete(t);
    placed.add(t);
    ordered.push(t);
  };
  for (const t of [...tables].sort()) visit(t);
  return ordered;
}

function write(out: WriteStream, text: string): Promise<void> {
  return out.write(text) ? Promise.resolve() : new Promise((resolve) => out.once("drain", resolve));
}

async function backupMysql(url: string, file: string, progress: BackupProgress): Promise<BackupResult> {
  const conn = rawMysqlConnection(url);
  const out = createWriteStream(file, { flags: "wx", mode: 0o600 });
  let rows = 0;
  try {
    await query(conn, "SET time_zone = '+00:00'");
    await query(conn, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    await query(conn, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    const names = (
      await query(conn, "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'")
    ).map((r) => String(r.t));
    const edges = (
      await query(
        conn,
        "SELECT TABLE_NAME AS child, REFERENCED_TABLE_NAME AS parent FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL",
      )
    ).map((r) => ({ child: String(r.child), parent: String(r.parent) }));
    const tables = inForeignKeyOrder(names, edges);
    await write(out, `${DUMP_HEADER}\n-- ${new Date().toISOString()}, ${tables.length} tables, one REPEATABLE READ snapshot\n`);
    await write(out, "SET FOREIGN_KEY_CHECKS=0;\nSET UNIQUE_CHECKS=0;\nSET time_zone='+00:00';\n");
    for (const table of tables) {
      const id = mysql.escapeId(table);
      const [created] = await query(conn, `SHOW CREATE TABLE ${id}`);
      // One statement per line: the restore reads the file line by line.
      await write(out, `DROP TABLE IF EXISTS ${id};\n${String(created!["Create Table"]).replace(/\r?\n/g, " ")};\n`);
      const [{ n }] = (await query(conn, `SELECT COUNT(*) AS n FROM ${id}`)) as [{ n: string }];
      progress.start(table, Number(n));
      rows += await dumpRows(conn, out, table, progress);
      progress.done();
    }
    await write(out, "SET FOREIGN_KEY_CHECKS=1;\nSET UNIQUE_CHECKS=1;\n-- end of dump\n");
    await query(conn, "COMMIT");
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    return { tables: tables.length, rows, bytes: statSync(file).size };
  } catch (err) {
    out.destroy();
    throw err;
  } finally {
    conn.end();
  }
}

/** Streams one table's rows into INSERT batches, with backpressure from the file. */
function dumpRows(conn: Connection, out: WriteStream, table: string, progress: BackupProgress): Promise<number> {
  const id = mysql.escapeId(table);
  return new Promise((resolve, reject) => {
    let count = 0;
    let batch: string[] = [];
    let size = 0;
    let columns = "";
    const stream = conn.query(`SELECT * FROM ${id}`).stream({ highWaterMark: 200 });
    const flush = () => {
      if (!batch.length) return true;
      const ok = out.write(`INSERT INTO ${id} (${columns}) VALUES ${batch.join(",")};\n`);
      progress.tick(batch.length);
      batch = [];
      size = 0;
      return ok;
    };
    stream.on("data", (row: Record<string, unknown>) => {
      if (!columns)
        columns = Object.keys(row)
          .map((c) => mysql.escapeId(c))
          .join(",");
      const values = `(${Object.values(row)
        .map((v) => mysql.escape(v as mysql.SqlValue))
        .join(",")})`;
      batch.push(values);
      size += values.length;
      count++;
      if ((batch.length >= BATCH_ROWS || size >= BATCH_BYTES) && !flush()) {
        stream.pause();
        out.once("drain", () => stream.resume());
      }
    });
    stream.on("error", reject);
    stream.on("end", () => {
      flush();
      resolve(count);
    });
  });
}
