import { sql, type Kysely } from "kysely";
import { dialectOf } from "./database.ts";

/**
 * A relation the database enforces: `table.column` points to `references.id`. `onDelete` is also the
 * fate of rows that are already orphans when the constraint is added: cascade → deleted,
 * set null → cleared, restrict → the migration refuses and changes nothing.
 */
export interface ForeignKey {
  table: string;
  column: string;
  references: string;
  onDelete: "restrict" | "cascade" | "set null";
}

/** Constraint names are per database on MySQL (≤ 64 characters): one per table and column. */
const foreignKeyName = (fk: ForeignKey) => `fk_${fk.table}_${fk.column}`;

/** Raised before any change when rows point to parents that do not exist and may not be dropped. */
class OrphanRows extends Error {
  readonly found: { fk: ForeignKey; rows: number }[];
  constructor(found: { fk: ForeignKey; rows: number }[]) {
    super(
      "foreign keys not added: " +
        found.map(({ fk, rows }) => `${rows} ${fk.table} row(s) have a ${fk.column} with no ${fk.references} row`).join("; ") +
        ". Repair or remove these rows (they hold money or history, so the migration will not guess), then migrate again.",
    );
    this.name = "OrphanRows";
    this.found = found;
  }
}

const orphansOf = (fk: ForeignKey) =>
  sql`from ${sql.table(fk.table)} where ${sql.ref(`${fk.table}.${fk.column}`)} is not null
      and not exists (select 1 from ${sql.table(fk.references)} parent where parent.id = ${sql.ref(`${fk.table}.${fk.column}`)})`;

async function countOrphans(db: Kysely<any>, fk: ForeignKey): Promise<number> {
  const r = await sql<{ n: number | string }>`select count(*) as n ${orphansOf(fk)}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/** Refuses on orphans of restrict relations, then deletes or clears the others, in the order given (parents first). */
async function settleOrphans(db: Kysely<any>, fks: ForeignKey[]): Promise<void> {
  const refused: { fk: ForeignKey; rows: number }[] = [];
  for (const fk of fks.filter((f) => f.onDelete === "restrict")) {
    const rows = await countOrphans(db, fk);
    if (rows > 0) refused.push({ fk, rows });
  }
  if (refused.length) throw new OrphanRows(refused);
  // MySQL refuses a subquery on the table being changed; the ids go through a derived table.
  for (const fk of fks) {
    const col = sql.ref(fk.column);
    if (fk.onDelete === "cascade") {
      await sql`delete from ${sql.table(fk.table)} where id in (select id from (select ${sql.ref(`${fk.table}.id`)} as id ${orphansOf(fk)}) o)`.execute(db);
    } else if (fk.onDelete === "set null") {
      await sql`update ${sql.table(fk.table)} set ${col} = null where id in (select id from (select ${sql.ref(`${fk.table}.id`)} as id ${orphansOf(fk)}) o)`.execute(
        db,
      );
    }
  }
}

const clause = (fk: ForeignKey, q: (s: string) => string) =>
  `constraint ${q(foreignKeyName(fk))} foreign key (${q(fk.column)}) references ${q(fk.references)} (${q("id")}) on delete ${fk.onDelete}`;

const byTable = (fks: ForeignKey[]) => {
  const tables = new Map<string, ForeignKey[]>();
  for (const fk of fks) tables.set(fk.table, [...(tables.get(fk.table) ?? []), fk]);
  return tables;
};

/**
 * Adds the constraints, after settling orphan rows. MySQL/MariaDB (InnoDB): ALTER TABLE … ADD
 * CONSTRAINT. SQLite cannot add a constraint to a table: each table is rebuilt from its own stored
 * definition (so columns added by any earlier migration are kept) with foreign keys off, in one
 * transaction checked by `PRAGMA foreign_key_check` before it commits.
 */
export async function addForeignKeys(db: Kysely<any>, fks: ForeignKey[]): Promise<void> {
  if (dialectOf(db) === "mysql") {
    await settleOrphans(db, fks);
    // DDL commits as it goes: after a failure half-way, running again adds only what is missing.
    const existing = new Set((await declaredForeignKeys(db)).map((d) => d.name));
    for (const [table, list] of byTable(fks.filter((fk) => !existing.has(foreignKeyName(fk))))) {
      await sql.raw(`alter table \`${table}\` ${list.map((fk) => "add " + clause(fk, (s) => `\`${s}\``)).join(", ")}`).execute(db);
    }
    return;
  }
  await withSqliteRebuild(db, async (trx) => {
    await settleOrphans(trx, fks);
    for (const [table, list] of byTable(fks)) {
      await rebuildSqliteTable(trx, table, (definition) => definition.replace(/\)\s*$/, `, ${list.map((fk) => clause(fk, (s) => `"${s}"`)).join(", ")})`));
    }
  });
}

/** Removes the constraints again (tolerant of tables or constraints that are not there: migrate:fresh calls it on any schema). */
export async function dropForeignKeys(db: Kysely<any>, fks: ForeignKey[]): Promise<void> {
  const existing = new Set((await db.introspection.getTables()).map((t) => t.name));
  const present = fks.filter((fk) => existing.has(fk.table));
  if (dialectOf(db) === "mysql") {
    const names = new Set((await declaredForeignKeys(db)).map((d) => d.name));
    for (const fk of present.filter((f) => names.has(foreignKeyName(f)))) {
      await sql.raw(`alter table \`${fk.table}\` drop foreign key \`${foreignKeyName(fk)}\``).execute(db);
    }
    return;
  }
  await withSqliteRebuild(db, async (trx) => {
    for (const [table, list] of byTable(present)) {
      await rebuildSqliteTable(trx, table, (definition) => list.reduce((d, fk) => d.replace(`, ${clause(fk, (s) => `"${s}"`)}`, ""), definition));
    }
  });
}

/** The foreign keys the database declares, read back from its catalogue (what tests and operators check). */
export async function declaredForeignKeys(
  db: Kysely<any>,
): Promise<{ name: string | null; table: string; column: string; references: string; onDelete: string }[]> {
  if (dialectOf(db) === "mysql") {
    const r = await sql<{ name: string; table: string; column: string; references: string; onDelete: string }>`
      select rc.constraint_name as name, kcu.table_name as \`table\`, kcu.column_name as \`column\`, rc.referenced_table_name as \`references\`, rc.delete_rule as onDelete
      from information_schema.referential_constraints rc
      join information_schema.key_column_usage kcu on kcu.constraint_schema = rc.constraint_schema and kcu.constraint_name = rc.constraint_name and kcu.table_name = rc.table_name
      where rc.constraint_schema = database()`.execute(db);
    return r.rows.map((row) => ({ ...row, onDelete: row.onDelete.toLowerCase() }));
  }
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db);
  const out: { name: string | null; table: string; column: string; references: string; onDelete: string }[] = [];
  for (const { name: table } of tables.rows) {
    const list = await sql<{ from: string; table: string; on_delete: string }>`select * from pragma_foreign_key_list(${table})`.execute(db);
    for (const fk of list.rows) out.push({ name: null, table, column: fk.from, references: fk.table, onDelete: fk.on_delete.toLowerCase() });
  }
  return out;
}

/** SQLite's table-rebuild procedure needs foreign keys off, which only takes effect outside a transaction. */
async function withSqliteRebuild(db: Kysely<any>, fn: (trx: Kysely<any>) => Promise<void>): Promise<void> {
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      await fn(trx);
      const broken = await sql<{ table: string; parent: string }>`pragma foreign_key_check`.execute(trx);
      if (broken.rows.length) throw new Error(`foreign key check failed after the rebuild: ${broken.rows.map((r) => `${r.table} → ${r.parent}`).join(", ")}`);
    });
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

/** Steps 4–9 of https://sqlite.org/lang_altertable.html#otheralter: new table, copy, drop, rename, indexes, autoincrement counter. */
async function rebuildSqliteTable(trx: Kysely<any>, table: string, change: (definition: string) => string): Promise<void> {
  const schema = await sql<{ type: string; sql: string | null }>`select type, sql from sqlite_master where tbl_name = ${table}`.execute(trx);
  const definition = schema.rows.find((r) => r.type === "table")?.sql;
  if (!definition) throw new Error(`no table ${table} to rebuild`);
  if (schema.rows.some((r) => r.type === "trigger" || r.type === "view")) throw new Error(`${table} has triggers or views: rebuild it by hand`);
  const indexes = schema.rows.filter((r) => r.type === "index" && r.sql).map((r) => r.sql!);
  const seq = await sql<{ seq: number }>`select seq from sqlite_sequence where name = ${table}`.execute(trx);
  const temp = `${table}__rebuild`;
  const head = /^CREATE TABLE\s+(?:"[^"]+"|`[^`]+`|\w+)\s*\(/i;
  if (!head.test(definition)) throw new Error(`unexpected definition of ${table}`);
  await sql.raw(change(definition).replace(head, `CREATE TABLE "${temp}" (`)).execute(trx);
  await sql.raw(`insert into "${temp}" select * from "${table}"`).execute(trx);
  await sql.raw(`drop table "${table}"`).execute(trx);
  await sql.raw(`alter table "${temp}" rename to "${table}"`).execute(trx);
  for (const index of indexes) await sql.raw(index).execute(trx);
  // AUTOINCREMENT never reuses an id, not even one whose row was deleted: keep the counter.
  if (seq.rows[0]) {
    await sql`delete from sqlite_sequence where name = ${table}`.execute(trx);
    await sql`insert into sqlite_sequence (name, seq) values (${table}, ${seq.rows[0].seq})`.execute(trx);
  }
}
