import { randomUUID } from "node:crypto";
import type { Ctx } from "../context.ts";
import { dbNow } from "../lib/time.ts";

/** How often a held lease is pushed forward, as a share of its length: a holder that misses one renewal still holds it. */
const RENEW_EVERY = 1 / 3;

/**
 * Runs fn only if no other instance runs the same job now; null when busy. The lock is a lease, a
 * `job_locks` row claimed by conditional statements (take the expired row over, else insert the
 * missing one, ignoring a duplicate), renewed while fn runs and deleted after it. Plain SQL on one
 * row: it holds on SQLite, MySQL, MariaDB and MySQL-compatible distributed databases (TiDB…),
 * where GET_LOCK is tied to one connection and missing or limited. A holder that dies stops
 * renewing, and its lease expires after ttlMs. Each claim has its own token, so two apps in one
 * process are two holders.
 */
export async function withJobLock<T>(ctx: Ctx, name: string, ttlMs: number, fn: () => Promise<T>): Promise<{ ran: true; result: T } | null> {
  const token = randomUUID();
  if (!(await claimLease(ctx, name, token, ttlMs))) return null;
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(
    () => {
      renewing = renewLease(ctx, name, token, ttlMs).then(
        (held) => {
          if (!held) ctx.logger.error("job lock lost: another instance may run the job too", { job: name });
        },
        (err) => ctx.logger.warn("job lock renewal failed", { job: name, error: String(err) }),
      );
    },
    Math.max(50, Math.floor(ttlMs * RENEW_EVERY)),
  );
  timer.unref();
  try {
    return { ran: true, result: await fn() };
  } finally {
    clearInterval(timer);
    await renewing;
    await ctx.db.deleteFrom("job_locks").where("name", "=", name).where("owner", "=", token).execute();
  }
}

/** Two conditional statements: an expired lease is taken over, else a missing one inserted; a live one is left alone. */
async function claimLease(ctx: Ctx, name: string, token: string, ttlMs: number): Promise<boolean> {
  const now = dbNow(ctx.clock);
  const until = dbNow(ctx.clock, ttlMs);
  const takenOver = await ctx.db
    .updateTable("job_locks")
    .set({ owner: token, locked_until: until })
    .where("name", "=", name)
    .where("locked_until", "<", now)
    .executeTakeFirst();
  if (Number(takenOver.numUpdatedRows) === 1) return true;
  const inserted = await ctx.db.insertInto("job_locks").values({ name, owner: token, locked_until: until }).orIgnore().executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
}

async function renewLease(ctx: Ctx, name: string, token: string, ttlMs: number): Promise<boolean> {
  const renewed = await ctx.db
    .updateTable("job_locks")
    .set({ locked_until: dbNow(ctx.clock, ttlMs) })
    .where("name", "=", name)
    .where("owner", "=", token)
    .executeTakeFirst();
  return Number(renewed.numUpdatedRows) === 1;
}
