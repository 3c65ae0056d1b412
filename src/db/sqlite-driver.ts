import { DatabaseSync, type SQLInputValue } from "node:sqlite";
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

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  close(): void {
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

export function openSqlite(path: string): SqliteDialect {
  const raw = new DatabaseSync(path, { timeout: 10_000 });
  raw.exec("PRAGMA journal_mode = WAL");
  raw.exec("PRAGMA synchronous = NORMAL");
  raw.exec("PRAGMA foreign_keys = ON");
  raw.exec("PRAGMA busy_timeout = 10000");
  return new NodeSqliteDialect(new NodeSqliteDatabase(raw));
}
