import { createHash } from "node:crypto";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../http/env.ts";
import { AppError, envelopeOf } from "../http/errors.ts";
import type { Ctx } from "../context.ts";
import { checkKey, claimKey, keyInFlight, keyReused, recordOutcome, releaseKey } from "./keys.ts";

export interface Outcome {
  status: ContentfulStatusCode;
  body: unknown;
}

function hashRequest(c: Context, body: unknown): string {
  return createHash("sha256").update(`${c.req.method} ${c.req.path}\n${JSON.stringify(body ?? null)}`).digest("hex");
}

/**
 * Idempotency-Key for POSTs that move money: the claim is a unique index (scope, key), not a
 * read-then-insert. A retry replays the first answer; the same key with another body is refused
 * (422); a key whose first request is still running answers 409. Keys live 24 hours.
 * `scope` identifies the caller (e.g. "u:12" or "k:5"), so keys never collide between callers.
 */
export async function idempotent<E extends AppEnv>(c: Context<E>, ctx: Ctx, scope: string, body: unknown, run: () => Promise<Outcome>): Promise<Response> {
  const key = c.req.header("idempotency-key");
  if (key === undefined) {
    const out = await run();
    return c.json(out.body as object, out.status);
  }
  checkKey(key);
  const hash = hashRequest(c, body);

  const claim = await claimKey(ctx, scope, key, hash);
  if (!claim.claimed) {
    const prior = claim.prior;
    if (!prior) throw keyInFlight();
    if (prior.request_hash !== hash) throw keyReused();
    if (prior.status !== "done") throw keyInFlight();
    c.header("Idempotent-Replayed", "true");
    return c.body(prior.response_body ?? "null", prior.response_status as ContentfulStatusCode, { "content-type": "application/json" });
  }

  let out: Outcome;
  try {
    out = await run();
  } catch (err) {
    if (!(err instanceof AppError)) {
      // Unknown failure: release the key so that the client can retry.
      await releaseKey(ctx, scope, key);
      throw err;
    }
    out = { status: err.status as ContentfulStatusCode, body: envelopeOf(err, c.get("requestId")) };
  }
  await recordOutcome(ctx, scope, key, out.status, out.body);
  return c.json(out.body as object, out.status);
}
