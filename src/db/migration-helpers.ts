import { sql, type CreateTableBuilder, type Kysely } from "kysely";
import { dialectOf } from "./database.ts";

/** Small dialect branches used by migrations: one tree of migrations for SQLite and MySQL/MariaDB. */
export function columnTypes<DB>(db: Kysely<DB>) {
  const mysql = dialectOf(db) === "mysql";
  return {
    mysql,
    /** Auto-increment primary key; MySQL hands back insertId, never RETURNING. */
    id: <T extends string>(t: CreateTableBuilder<T, string>) =>
      mysql ? t.addColumn("id", "bigint", (c) => c.primaryKey().autoIncrement()) : t.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement()),
    /** Integer micro-units (1/1,000,000 of the currency unit). */
    money: "bigint" as const,
    /** A reference to another row's id. */
    ref: "bigint" as const,
    /** 'YYYY-MM-DD HH:MM:SS.sss' UTC in both dialects. */
    timestamp: mysql ? sql`datetime(3)` : sql`text`,
    date: mysql ? sql`date` : sql`text`,
    /** JSON kept as text in both dialects and parsed by the code that owns it. */
    json: mysql ? sql`mediumtext` : sql`text`,
    text: mysql ? sql`mediumtext` : sql`text`,
    bool: mysql ? sql`tinyint` : sql`integer`,
    str: (n: number) => sql.raw(`varchar(${n})`),
  };
}

function tableOptions<DB, T extends string>(db: Kysely<DB>, t: CreateTableBuilder<T, string>) {
  return dialectOf(db) === "mysql" ? t.modifyEnd(sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`) : t;
}

type Builder = CreateTableBuilder<string, string>;
type Types = ReturnType<typeof columnTypes>;

/** Creates a table with an id column, created_at/updated_at, and the engine options of the dialect. */
export async function createTable<DB>(
  db: Kysely<DB>,
  name: string,
  build: (t: Builder, ty: Types) => Builder,
  opts: { id?: boolean; timestamps?: boolean } = {},
): Promise<void> {
  const ty = columnTypes(db);
  let t: Builder = db.schema.createTable(name).ifNotExists();
  if (opts.id !== false) t = ty.id(t);
  t = build(t, ty);
  if (opts.timestamps !== false) {
    t = t.addColumn("created_at", ty.timestamp, (c) => c.notNull()).addColumn("updated_at", ty.timestamp, (c) => c.notNull());
  }
  await tableOptions(db, t).execute();
}

export async function index<DB>(db: Kysely<DB>, table: string, columns: string[], opts: { unique?: boolean } = {}): Promise<void> {
  let b = db.schema
    .createIndex(`${table}_${columns.join("_")}_${opts.unique ? "uq" : "idx"}`)
    .ifNotExists()
    .on(table)
    .columns(columns);
  if (opts.unique) b = b.unique();
  await b.execute();
}
