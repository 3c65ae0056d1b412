import type { Selectable } from "kysely";
import type { Ctx } from "../context.ts";
import type { IdempotencyKeysTable } from "../db/schema.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { AppError, Conflict, Validation } from "../core/errors.ts";
import { DAY, dbNow } from "../lib/time.ts";

// The idempotency_keys table, behind the one primitive `runOnce` (idempotency.ts).

type IdempotencyKey = Selectable<IdempotencyKeysTable>;

const KEY = /^[\x21-\x7e]{1,255}$/;

export function checkKey(key: string): void {
  if (!KEY.test(key)) throw new Validation({ "Idempotency-Key": ["Must be 1 to 255 visible ASCII characters"] });
}

export const keyInFlight = () => new Conflict("A request with this Idempotency-Key is in progress", "idempotency_in_flight");

/**
 * The work under this key committed, but its answer was never recorded: the process stopped between the
 * two (killed, or the database lost for good meanwhile). Running it again would do it twice; the client
 * is told it was done and where to look, instead of "in progress" until the key expires.
 */
export const answerLost = () =>
  new Conflict(
    "This request was carried out, but its answer was lost before it could be recorded. Do not send it again: look up what it made (your orders, deposits or tickets).",
    "idempotency_answer_lost",
  );

export const keyReused = () =>
  new AppError(422, "idempotency_key_reused", "This Idempotency-Key was used with a different request", {
    "Idempotency-Key": ["Already used with a different request"],
  });

/**
 * Claims (scope, key) for a request through the unique index, not a read-then-insert; an expired
 * claim, or one released meanwhile, is claimed again. Otherwise answers the row that holds the key
 * (none if it kept vanishing under us). Keys live 24 hours.
 */
export async function claimKey(
  ctx: Ctx,
  scope: string,
  key: string,
  requestHash: string,
  attempts = 3,
): Promise<{ claimed: true; claimId: number } | { claimed: false; prior: IdempotencyKey | undefined }> {
  try {
    const res = await ctx.db
      .insertInto("idempotency_keys")
      .values({ scope, key, request_hash: requestHash, status: "in_flight", created_at: dbNow(ctx.clock), expires_at: dbNow(ctx.clock, DAY) })
      .executeTakeFirstOrThrow();
    return { claimed: true, claimId: Number(res.insertId) };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
  const prior = await ctx.db.selectFrom("idempotency_keys").selectAll().where("scope", "=", scope).where("key", "=", key).executeTakeFirst();
  if (attempts <= 1 || (prior && prior.expires_at >= dbNow(ctx.clock) && !abandoned(ctx, prior))) return { claimed: false, prior };
  if (prior)
    await ctx.db
      .deleteFrom("idempotency_keys")
      .where("id", "=", prior.id)
      .where((eb) =>
        eb.or([
          eb("expires_at", "<", dbNow(ctx.clock)),
          eb.and([eb("status", "=", "in_flight"), eb("request_hash", "=", requestHash), eb("created_at", "<", dbNow(ctx.clock, -ABANDONED_AFTER_MS))]),
        ]),
      )
      .execute();
  return claimKey(ctx, scope, key, requestHash, attempts - 1);
}

/**
 * How long a claim may stay in flight before it counts as abandoned: its process died, or the database
 * failed under it and the key could not be let go. Work under a key commits its mark with its first
 * transaction (`markCommitted`), so a claim still `in_flight` this late never wrote anything: the same
 * request may run again. Far longer than any request takes before its first commit (and a request that
 * stalls longer loses its claim: its work rolls back, see markCommitted).
 */
export const ABANDONED_AFTER_MS = 30_000;

/** An in-flight claim of this same request whose work never committed, older than ABANDONED_AFTER_MS. */
function abandoned(ctx: Ctx, prior: IdempotencyKey): boolean {
  return prior.status === "in_flight" && prior.created_at < dbNow(ctx.clock, -ABANDONED_AFTER_MS);
}

/**
 * A committed claim with no answer after this long has lost it: a request answers within moments of its
 * first commit, and an answer the database refused is retried in the background for ABANDONED_AFTER_MS.
 */
const ANSWER_LOST_AFTER_MS = 4 * ABANDONED_AFTER_MS;

/** The key's work committed long ago and its answer never came (see answerLost). */
export function lostAnswer(ctx: Ctx, prior: IdempotencyKey): boolean {
  return prior.status === "committed" && prior.created_at < dbNow(ctx.clock, -ANSWER_LOST_AFTER_MS);
}

/**
 * Run inside the work's first transaction (withCommitMark): the key now says the work committed, so
 * it is never let go or claimed again, whatever happens before its answer is recorded. A claim taken
 * over meanwhile (this request stalled past ABANDONED_AFTER_MS and its retry runs) is no longer ours:
 * the work rolls back, so the key's work is done once.
 */
export async function markCommitted(tx: Ctx, claimId: number): Promise<void> {
  const res = await tx.db
    .updateTable("idempotency_keys")
    .set({ status: "committed" })
    .where("id", "=", claimId)
    .where("status", "=", "in_flight")
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw keyInFlight();
}

/** Stores the outcome a retry with the same key gets back (on our claim only: one taken over is the retry's). */
export async function recordOutcome(ctx: Ctx, claimId: number, status: number, body: unknown): Promise<void> {
  await ctx.db
    .updateTable("idempotency_keys")
    .set({ status: "done", response_status: status, response_body: JSON.stringify(body) })
    .where("id", "=", claimId)
    .execute();
}

/** Lets our claim go, so that a retry really runs again; never once its work committed (a retry would do it twice). */
export async function releaseKey(ctx: Ctx, claimId: number): Promise<void> {
  await ctx.db.deleteFrom("idempotency_keys").where("id", "=", claimId).where("status", "=", "in_flight").execute();
}

/** Drops expired keys (scheduled clean-up). */
export async function purgeExpiredKeys(ctx: Ctx): Promise<number> {
  const r = await ctx.db.deleteFrom("idempotency_keys").where("expires_at", "<", dbNow(ctx.clock)).executeTakeFirst();
  return Number(r.numDeletedRows);
}
