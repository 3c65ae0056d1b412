import { createHash } from "node:crypto";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../http/env.ts";
import { AppError, envelopeOf } from "../core/errors.ts";
import type { Ctx } from "../context.ts";
import { checkKey, claimKey, keyInFlight, keyReused, recordOutcome, releaseKey } from "./keys.ts";

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
 * - A 5xx (maintenance, a provider or reseller unavailable) or an unexpected error (500) releases the
 *   key, so that the retry with the same key really runs again.
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
    if (prior.status !== "done") throw keyInFlight();
    return { outcome: { status: prior.response_status as ContentfulStatusCode, body: JSON.parse(prior.response_body ?? "null") }, replayed: true };
  }

  let outcome: Outcome;
  try {
    outcome = await run();
  } catch (err) {
    if (err instanceof AppError && kept(err.status)) await recordOutcome(ctx, scope, key, err.status, envelopeOf(err, req.requestId));
    else await letGo(ctx, req);
    throw err;
  }
  if (kept(outcome.status)) await recordOutcome(ctx, scope, key, outcome.status, outcome.body);
  else await letGo(ctx, req);
  return { outcome, replayed: false };
}

/** Releases the key; a failure to do so is logged, never hides the error that made us release it. */
async function letGo(ctx: Ctx, req: KeyedRequest): Promise<void> {
  try {
    await releaseKey(ctx, req.scope, req.key!);
  } catch (err) {
    ctx.logger.error("idempotency key release failed", { scope: req.scope, error: String(err) });
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
