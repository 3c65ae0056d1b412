import { createHash } from "node:crypto";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../http/env.ts";
import { AppError, Conflict, Validation, envelopeOf } from "../http/errors.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { DAY, dbNow } from "../lib/time.ts";
import type { Ctx } from "../context.ts";

export interface Outcome {
  status: ContentfulStatusCode;
  body: unknown;
}

const KEY = /^[\x21-\x7e]{1,255}$/;

function hashRequest(c: Context<AppEnv>, body: unknown): string {
  return createHash("sha256").update(`${c.req.method} ${c.req.path}\n${JSON.stringify(body ?? null)}`).digest("hex");
}

/**
 * Idempotency-Key for POSTs that move money: the claim is a unique index (scope, key), not a
 * read-then-insert. A retry replays the first answer; the same key with another body is refused
 * (422); a key whose first request is still running answers 409. Keys live 24 hours.
 * `scope` identifies the caller (e.g. "u:12" or "k:5"), so keys never collide between callers.
 */
export async function idempotent(c: Context<AppEnv>, ctx: Ctx, scope: string, body: unknown, run: () => Promise<Outcome>): Promise<Response> {
  const key = c.req.header("idempotency-key");
  if (key === undefined) {
    const out = await run();
    return c.json(out.body as object, out.status);
  }
  if (!KEY.test(key)) throw new Validation({ "Idempotency-Key": ["Must be 1 to 255 visible ASCII characters"] });
  const hash = hashRequest(c, body);
  const db = ctx.db;

  const claim = async () => {
    await db.insertInto("idempotency_keys").values({ scope, key, request_hash: hash, status: "in_flight", created_at: dbNow(ctx.clock), expires_at: dbNow(ctx.clock, DAY) }).execute();
  };
  try {
    await claim();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const prior = await db.selectFrom("idempotency_keys").selectAll().where("scope", "=", scope).where("key", "=", key).executeTakeFirst();
    if (prior && prior.expires_at < dbNow(ctx.clock)) {
      await db.deleteFrom("idempotency_keys").where("id", "=", prior.id).where("expires_at", "<", dbNow(ctx.clock)).execute();
      return idempotent(c, ctx, scope, body, run);
    }
    if (!prior) throw new Conflict("A request with this Idempotency-Key is in progress", "idempotency_in_flight");
    if (prior.request_hash !== hash) {
      throw new AppError(422, "idempotency_key_reused", "This Idempotency-Key was used with a different request", { "Idempotency-Key": ["Already used with a different request"] });
    }
    if (prior.status !== "done") throw new Conflict("A request with this Idempotency-Key is in progress", "idempotency_in_flight");
    c.header("Idempotent-Replayed", "true");
    return c.body(prior.response_body ?? "null", prior.response_status as ContentfulStatusCode, { "content-type": "application/json" });
  }

  let out: Outcome;
  try {
    out = await run();
  } catch (err) {
    if (!(err instanceof AppError)) {
      // Unknown failure: release the key so that the client can retry.
      await db.deleteFrom("idempotency_keys").where("scope", "=", scope).where("key", "=", key).execute();
      throw err;
    }
    out = { status: err.status as ContentfulStatusCode, body: envelopeOf(err, c.get("requestId")) };
  }
  await db
    .updateTable("idempotency_keys")
    .set({ status: "done", response_status: out.status, response_body: JSON.stringify(out.body) })
    .where("scope", "=", scope)
    .where("key", "=", key)
    .execute();
  return c.json(out.body as object, out.status);
}

/** Drops expired keys (scheduled clean-up). */
export async function purgeExpiredKeys(ctx: Ctx): Promise<number> {
  const r = await ctx.db.deleteFrom("idempotency_keys").where("expires_at", "<", dbNow(ctx.clock)).executeTakeFirst();
  return Number(r.numDeletedRows);
}
