import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { Worker } from "node:worker_threads";
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDatabase, type SqliteStatement } from "kysely";

/** node:sqlite accepts no booleans, Dates or undefined: map them to what the other dialect stores. */
function toSqlite(value: unknown): SQLInputValue {
  if (value === undefined || value === null) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString().replace("T", " ").replace("Z", "");
  return value as SQLInputValue;
}

/** The subset of better-sqlite3's API that Kysely's SqliteDialect drives, over DatabaseSync. */
class NodeSqliteDatabase implements SqliteDatabase {
  readonly #db: DatabaseSync;
  readonly #cache = new Map<string, { stmt: ReturnType<DatabaseSync["prepare"]>; reader: boolean }>();
  readonly #checkpointer: Worker | null;

  constructor(db: DatabaseSync, checkpointer: Worker | null) {
    this.#db = db;
    this.#checkpointer = checkpointer;
  }

  close(): void {
    void this.#checkpointer?.terminate();
    this.#cache.clear();
    if (this.#db.isOpen) this.#db.close();
  }

  prepare(sql: string): SqliteStatement {
    let hit = this.#cache.get(sql);
    if (!hit) {
      const stmt = this.#db.prepare(sql);
      hit = { stmt, reader: stmt.columns().length > 0 };
      if (this.#cache.size > 500) this.#cache.clear();
      this.#cache.set(sql, hit);
    }
    const { stmt: s, reader } = hit;
    return {
      reader,
      all: (params) => s.all(...params.map(toSqlite)),
      run: (params) => s.run(...params.map(toSqlite)),
      iterate: (params) => s.iterate(...params.map(toSqlite)) as IterableIterator<unknown>,
    };
  }
}

/** Takes the write lock when the transaction starts, so a second writer waits (busy_timeout) instead of failing mid-way. */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

class NodeSqliteDialect extends SqliteDialect {
  readonly #database: SqliteDatabase;
  constructor(database: SqliteDatabase) {
    super({ database });
    this.#database = database;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.#database });
  }
}

/** How often the checkpointer thread copies the WAL into the database file. */
const CHECKPOINT_EVERY_MS = 50;
/**
 * The writer's own automatic checkpoint, in pages (SQLite's default is 1000): with the checkpointer
 * thread it finds little left to copy, and it is what lets the WAL start over under constant writes.
 */
const WRITER_CHECKPOINT_PAGES = 4000;

export function openSqlite(path: string): SqliteDialect {
  const raw = new DatabaseSync(path, { timeout: 10_000 });
  raw.exec("PRAGMA journal_mode = WAL");
  raw.exec("PRAGMA synchronous = NORMAL");
  raw.exec("PRAGMA foreign_keys = ON");
  raw.exec("PRAGMA busy_timeout = 10000");
  let checkpointer: Worker | null = null;
  if (path !== ":memory:" && path !== "") {
    raw.exec(`PRAGMA wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`);
    checkpointer = new Worker(new URL("./checkpointer.ts", import.meta.url), { workerData: { path, everyMs: CHECKPOINT_EVERY_MS } });
    // Should it fail, the writer's automatic checkpoints still keep the WAL bounded.
    checkpointer.on("error", () => undefined);
    checkpointer.unref();
  }
  return new NodeSqliteDialect(new NodeSqliteDatabase(raw, checkpointer));
}
