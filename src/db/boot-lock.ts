import { sql } from "kysely";
import { dialectOf, type Db } from "./database.ts";

const BOOT_LOCK = "izy:boot";
const WAIT_SECONDS = 300;

/**
 * Runs the start-up's schema and data steps (migrate, seed, first admin) in one instance at a time:
 * on MySQL/MariaDB under GET_LOCK held by a reserved connection (released by the server if the holder
 * dies), so instances starting together migrate once and the others find the work done. SQLite is
 * one instance; its writers already queue on the file.
 */
export async function withBootLock<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  if (dialectOf(db) !== "mysql") return fn();
  return db.connection().execute(async (conn) => {
    const got = await sql<{ l: number | null }>`SELECT GET_LOCK(${BOOT_LOCK}, ${WAIT_SECONDS}) AS l`.execute(conn);
    if (Number(got.rows[0]?.l) !== 1) throw new Error(`another instance has held the start-up lock for ${WAIT_SECONDS} s; is a migration stuck?`);
    try {
      return await fn();
    } finally {
      await sql`SELECT RELEASE_LOCK(${BOOT_LOCK})`.execute(conn);
    }
  });
}
