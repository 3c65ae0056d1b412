import type { CompiledQuery, Compilable, Insertable, QueryResult } from "kysely";
import { dialectOf, type Db, type DialectName } from "./database.ts";
import type { Database } from "./schema.ts";

/** Stands for one argument of a prepared query while Kysely builds it. */
class Slot {
  readonly index: number;
  constructor(index: number) {
    this.index = index;
  }
}

interface Template {
  compiled: CompiledQuery;
  /** For each parameter, the argument it takes (its index), or -1 for a value fixed at build time. */
  slots: number[];
}

interface Prepared<Args extends unknown[], Row> {
  /** The rows (a select, or an insert/update with RETURNING). */
  all(db: Db, ...args: Args): Promise<Row[]>;
  first(db: Db, ...args: Args): Promise<Row | undefined>;
  /** The raw result: numAffectedRows of an update, insertId of an insert. */
  run(db: Db, ...args: Args): Promise<QueryResult<Row>>;
}

/**
 * A query Kysely builds and compiles once per dialect, then runs with new arguments: on the hot
 * paths (every order, every request) building a query cost more CPU than the database spent running
 * it. `build` receives placeholders for its arguments and must pass them to Kysely as they are (no
 * arithmetic, no methods on them, no defaults or rest parameters); the SQL must not depend on them
 * (no IN lists, no optional clauses).
 */
export function prepared<Args extends unknown[], Row>(build: (db: Db, ...args: Args) => Compilable<Row>): Prepared<Args, Row> {
  return compiledOnce(build.length - 1, (db, placeholders) => build(db, ...(placeholders as Args)));
}

/**
 * An INSERT of one row with exactly these columns, compiled once per dialect like `prepared`: every
 * column is sent (a missing value as NULL), so the SQL is the same for every row.
 */
export function preparedInsert<T extends keyof Database & string, C extends keyof Insertable<Database[T]> & string>(table: T, columns: readonly C[]) {
  const query = compiledOnce<unknown>(columns.length, (db, placeholders) =>
    db.insertInto(table).values(Object.fromEntries(columns.map((c, i) => [c, placeholders[i]])) as never),
  );
  return {
    run: (db: Db, row: { [K in C]-?: Insertable<Database[T]>[K] }) => query.run(db, ...columns.map((c) => row[c] ?? null)),
  };
}

function compiledOnce<Row>(argCount: number, build: (db: Db, placeholders: unknown[]) => Compilable<Row>): Prepared<unknown[], Row> {
  const templates = new Map<DialectName, Template>();
  const template = (db: Db): Template => {
    const dialect = dialectOf(db);
    let t = templates.get(dialect);
    if (!t) {
      const compiled = build(
        db,
        Array.from({ length: argCount }, (_, i) => new Slot(i)),
      ).compile();
      const slots = compiled.parameters.map((p) => (p instanceof Slot ? p.index : -1));
      t = { compiled, slots };
      templates.set(dialect, t);
    }
    return t;
  };
  const run = (db: Db, args: unknown[]): Promise<QueryResult<Row>> => {
    const { compiled, slots } = template(db);
    const parameters = slots.map((slot, i) => (slot < 0 ? compiled.parameters[i] : args[slot]));
    return db.executeQuery<Row>({ ...compiled, parameters } as CompiledQuery<Row>);
  };
  return {
    all: async (db, ...args) => (await run(db, args)).rows,
    first: async (db, ...args) => (await run(db, args)).rows[0],
    run: (db, ...args) => run(db, args),
  };
}
