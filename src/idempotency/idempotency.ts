import { createHash } from "node:crypto";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../http/env.ts";
import { AppError, envelopeOf } from "../core/errors.ts";
import { withCommitMark, type Ctx } from "../context.ts";
import { isDatabaseUnavailable } from "../db/errors.ts";
import { ABANDONED_AFTER_MS, answerLost, checkKey, claimKey, keyInFlight, keyReused, lostAnswer, markCommitted, recordOutcome, releaseKey } from "./keys.ts";

/** What a keyed request answered: a status and its JSON body, as a retry gets it back. */
interface Outcome {
  status: ContentfulStatusCode;
  body: unknown;
}

/**
 * A caller's request under an Idempotency-Key. `scope` names the caller ("u:12", "k:5"), so keys never
 * collide between callers; `operation` and `body` are what a retry with the same key must repeat.
 */
interface KeyedRequest {
  scope: string;
  key: string | undefined;
  operation: string;
  body: unknown;
  /** Kept in a recorded refusal, so that its replay points at the first attempt's logs. */
  requestId?: string;
}

/** Answers below 500 are kept and replayed; a 5xx means nothing was done, so the key is let go. */
const kept = (status: number) => status < 500;

function requestHash(req: KeyedRequest): string {
  return createHash("sha256")
    .update(`${req.operation}\n${JSON.stringify(req.body ?? null)}`)
    .digest("hex");
}

/**
 * The one idempotency primitive, behind the JSON API, the developer API v1 and the storefront forms.
 * The claim is the unique index on (scope, key), not a read-then-insert; keys live 24 hours.
 * - A retry with the same request replays the first outcome: the answer, or a refusal (4xx: validation,
 *   insufficient balance…), which changed nothing, so replaying it is safe; try again with a new key.
 * - The same key with another request is refused (422); a key whose first request still runs is a 409.
 * - A 5xx (maintenance, a provider or reseller unavailable, the database away) or an unexpected error
 *   (500) releases the key, so that the retry with the same key really runs again — unless the work had
 *   committed (the key is marked in its first transaction): then a retry waits (409) for the answer, and
 *   once that answer is clearly lost (the process stopped between the commit and recording it), a retry
 *   is told so (409 `idempotency_answer_lost`: it was done, look it up; never run twice).
 * - A claim whose process died, or whose release the database refused, counts as abandoned after
 *   ABANDONED_AFTER_MS and is claimed again by a retry of the same request (it never committed).
 * Without a key, `run` simply runs. A refusal is thrown as usual; only a replayed one comes back as an outcome.
 */
async function runOnce(ctx: Ctx, req: KeyedRequest, run: () => Promise<Outcome>): Promise<{ outcome: Outcome; replayed: boolean }> {
  const { scope, key } = req;
  if (key === undefined) return { outcome: await run(), replayed: false };
  checkKey(key);
  const hash = requestHash(req);

  const claim = await claimKey(ctx, scope, key, hash);
  if (!claim.claimed) {
    const prior = claim.prior;
    if (!prior) throw keyInFlight();
    if (prior.request_hash !== hash) throw keyReused();
    if (lostAnswer(ctx, prior)) throw answerLost();
    if (prior.status !== "done") throw keyInFlight();
    return { outcome: { status: prior.response_status as ContentfulStatusCode, body: JSON.parse(prior.response_body ?? "null") }, replayed: true };
  }

  let outcome: Outcome;
  try {
    // The key is marked committed inside the work's first transaction: from then on it is never let go.
    outcome = await withCommitMark((tx) => markCommitted(tx, claim.claimId), run);
  } catch (err) {
    if (err instanceof AppError && kept(err.status)) await recordOutcome(ctx, claim.claimId, err.status, envelopeOf(err, req.requestId));
    else await letGo(ctx, claim.claimId);
    throw err;
  }
  if (kept(outcome.status)) await keepOutcome(ctx, claim.claimId, outcome);
  else await letGo(ctx, claim.claimId);
  return { outcome, replayed: false };
}

/**
 * Records the answer of work that committed. If the database went away since, the error still reaches
 * the client (a 503: retry), and the answer is recorded in the background once the database is back,
 * so that the retry with the same key gets it (until then: 409 in flight).
 */
async function keepOutcome(ctx: Ctx, claimId: number, outcome: Outcome, retriesLeft = Math.floor(ABANDONED_AFTER_MS / RELEASE_RETRY_MS)): Promise<void> {
  try {
    await recordOutcome(ctx, claimId, outcome.status, outcome.body);
  } catch (err) {
    if (!isDatabaseUnavailable(err)) throw err;
    if (retriesLeft > 0) setTimeout(() => void keepOutcome(ctx, claimId, outcome, retriesLeft - 1).catch(() => {}), RELEASE_RETRY_MS).unref();
    throw err;
  }
}

/** Tries to let a key go while the database is away: once a second, until it answers or the claim counts as abandoned anyway. */
const RELEASE_RETRY_MS = 1_000;

/**
 * Releases the key (unless its work committed); a failure to do so is logged, never hides the error
 * that made us release it. While the database is unavailable the release is tried again in the
 * background, so that the client's retry with the same key runs as soon as the database is back.
 */
async function letGo(ctx: Ctx, claimId: number, retriesLeft = Math.floor(ABANDONED_AFTER_MS / RELEASE_RETRY_MS)): Promise<void> {
  try {
    await releaseKey(ctx, claimId);
  } catch (err) {
    if (isDatabaseUnavailable(err) && retriesLeft > 0) {
      setTimeout(() => void letGo(ctx, claimId, retriesLeft - 1), RELEASE_RETRY_MS).unref();
      return;
    }
    ctx.logger.error("idempotency key release failed", { claim_id: claimId, error: String(err) });
  }
}

/** `runOnce` for an HTTP route: the key is the Idempotency-Key header; a replay says so in `Idempotent-Replayed`. */
export async function idempotent<E extends AppEnv>(c: Context<E>, ctx: Ctx, scope: string, body: unknown, run: () => Promise<Outcome>): Promise<Response> {
  const keyed = { scope, key: c.req.header("idempotency-key"), operation: `${c.req.method} ${c.req.path}`, body, requestId: c.get("requestId") };
  const { outcome, replayed } = await runOnce(ctx, keyed, run);
  if (replayed) c.header("Idempotent-Replayed", "true");
  return c.json(outcome.body as object, outcome.status);
}

/** `runOnce` for a verb that returns a value (the storefront's forms): a replayed refusal is thrown again. */
export async function runOnceForValue<T>(ctx: Ctx, req: KeyedRequest, run: () => Promise<T>): Promise<{ value: T; replayed: boolean }> {
  const { outcome, replayed } = await runOnce(ctx, req, async () => ({ status: 201, body: { value: await run() } }));
  if (outcome.status >= 400) {
    const { error } = outcome.body as { error: { code: string; message: string; details?: unknown } };
    throw new AppError(outcome.status as AppError["status"], error.code, error.message, error.details);
  }
  return { value: (outcome.body as { value: T }).value, replayed };
}
