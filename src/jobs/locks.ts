import { sql } from "kysely";
import { randomUUID } from "node:crypto";
import type { Ctx } from "../context.ts";
import { dbNow } from "../lib/time.ts";

const owner = randomUUID();

/**
 * Runs fn only if no other instance runs the same job now. MySQL: GET_LOCK on a reserved
 * connection; SQLite: a conditional upsert on job_locks with an expiry. Returns null when busy.
 */
export async function withJobLock<T>(ctx: Ctx, name: string, ttlMs: number, fn: () => Promise<T>): Promise<{ ran: true; result: T } | null> {
  if (ctx.dialect === "mysql") {
    const lockName = `izy:${name}`;
    return ctx.db.connection().execute(async (conn) => {
      const got = await sql<{ l: number | null }>`SELECT GET_LOCK(${lockName}, 0) AS l`.execute(conn);
      if (Number(got.rows[0]?.l) !== 1) return null;
      try {
        return { ran: true as const, result: await fn() };
      } finally {
        await sql`SELECT RELEASE_LOCK(${lockName})`.execute(conn);
      }
    });
  }
  const now = dbNow(ctx.clock);
  const until = dbNow(ctx.clock, ttlMs);
  const inserted = await sql`INSERT INTO job_locks (name, owner, locked_until) VALUES (${name}, ${owner}, ${until})
    ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, locked_until = excluded.locked_until WHERE job_locks.locked_until < ${now}`.execute(ctx.db);
  if (Number(inserted.numAffectedRows ?? 0) !== 1) return null;
  try {
    return { ran: true, result: await fn() };
  } finally {
    await ctx.db.deleteFrom("job_locks").where("name", "=", name).where("owner", "=", owner).execute();
  }
}
