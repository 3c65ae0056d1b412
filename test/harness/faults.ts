import { sql } from "kysely";
import type { TestPlatform } from "./platform.ts";

/**
 * Makes the database itself refuse new `table` rows of one user (a failing dependency, as a full disk
 * or a lost primary would), until the returned function is called. The app sees a real driver error.
 */
export async function refuseInserts(p: TestPlatform, table: "orders" | "transactions", userId: number): Promise<() => Promise<void>> {
  const name = `refuse_${table}_${userId}`;
  const create =
    p.dialect === "mysql"
      ? `CREATE TRIGGER ${name} BEFORE INSERT ON ${table} FOR EACH ROW BEGIN IF NEW.user_id = ${userId} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'simulated storage failure'; END IF; END`
      : `CREATE TRIGGER ${name} BEFORE INSERT ON ${table} WHEN NEW.user_id = ${userId} BEGIN SELECT RAISE(ABORT, 'simulated storage failure'); END`;
  await sql.raw(create).execute(p.services.db);
  return async () => {
    await sql.raw(`DROP TRIGGER ${name}`).execute(p.services.db);
  };
}
