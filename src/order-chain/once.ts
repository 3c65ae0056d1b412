import { createHash } from "node:crypto";
import type { Ctx } from "../context.ts";
import { AppError, envelopeOf } from "../core/errors.ts";
import { checkKey, claimKey, keyInFlight, keyReused, recordOutcome, releaseKey } from "../idempotency/keys.ts";

export interface Once<T> {
  value: T;
  replayed: boolean;
}

/**
 * Idempotency for a storefront order (a form's hidden key or an Idempotency-Key header), on the
 * same `idempotency_keys` table and rules as the JSON API: the claim is the unique index on
 * (scope, key); a retry gets the first outcome back (the order, or the same refusal); the same key
 * with another request is refused (422); a key still in flight answers 409. A "try again later"
 * refusal (503) or an unexpected failure releases the key, so that the retry really retries.
 */
export async function once<T>(ctx: Ctx, scope: string, key: string | undefined, request: unknown, run: () => Promise<T>): Promise<Once<T>> {
  if (key === undefined || key === "") return { value: await run(), replayed: false };
  checkKey(key);
  const hash = createHash("sha256").update(`storefront-order\n${JSON.stringify(request ?? null)}`).digest("hex");
  const claim = await claimKey(ctx, scope, key, hash);
  if (!claim.claimed) {
    const prior = claim.prior;
    if (!prior || prior.status !== "done") throw keyInFlight();
    if (prior.request_hash !== hash) throw keyReused();
    const recorded = JSON.parse(prior.response_body ?? "null") as { value?: T; error?: { code: string; message: string; details?: unknown } };
    if (recorded.error) throw new AppError(prior.response_status as AppError["status"], recorded.error.code, recorded.error.message, recorded.error.details);
    return { value: recorded.value as T, replayed: true };
  }

  try {
    const value = await run();
    await recordOutcome(ctx, scope, key, 201, { value });
    return { value, replayed: false };
  } catch (err) {
    if (err instanceof AppError && err.status !== 503) await recordOutcome(ctx, scope, key, err.status, envelopeOf(err));
    else await releaseKey(ctx, scope, key);
    throw err;
  }
}
