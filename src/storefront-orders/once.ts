import { createHash } from "node:crypto";
import type { Ctx } from "../context.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { AppError, Conflict, Validation, envelopeOf } from "../http/errors.ts";
import { DAY, dbNow } from "../lib/time.ts";

const KEY = /^[\x21-\x7e]{1,255}$/;

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
  if (!KEY.test(key)) throw new Validation({ "Idempotency-Key": ["Must be 1 to 255 visible ASCII characters"] });
  const hash = createHash("sha256").update(`storefront-order\n${JSON.stringify(request ?? null)}`).digest("hex");
  const db = ctx.db;
  try {
    await db.insertInto("idempotency_keys").values({ scope, key, request_hash: hash, status: "in_flight", created_at: dbNow(ctx.clock), expires_at: dbNow(ctx.clock, DAY) }).execute();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const prior = await db.selectFrom("idempotency_keys").selectAll().where("scope", "=", scope).where("key", "=", key).executeTakeFirst();
    if (prior && prior.expires_at < dbNow(ctx.clock)) {
      await db.deleteFrom("idempotency_keys").where("id", "=", prior.id).where("expires_at", "<", dbNow(ctx.clock)).execute();
      return once(ctx, scope, key, request, run);
    }
    if (!prior || prior.status !== "done") throw new Conflict("A request with this Idempotency-Key is in progress", "idempotency_in_flight");
    if (prior.request_hash !== hash) {
      throw new AppError(422, "idempotency_key_reused", "This Idempotency-Key was used with a different request", { "Idempotency-Key": ["Already used with a different request"] });
    }
    const recorded = JSON.parse(prior.response_body ?? "null") as { value?: T; error?: { code: string; message: string; details?: unknown } };
    if (recorded.error) throw new AppError(prior.response_status as AppError["status"], recorded.error.code, recorded.error.message, recorded.error.details);
    return { value: recorded.value as T, replayed: true };
  }

  const record = (status: number, body: unknown) =>
    db.updateTable("idempotency_keys").set({ status: "done", response_status: status, response_body: JSON.stringify(body) }).where("scope", "=", scope).where("key", "=", key).execute();
  try {
    const value = await run();
    await record(201, { value });
    return { value, replayed: false };
  } catch (err) {
    if (err instanceof AppError && err.status !== 503) await record(err.status, envelopeOf(err));
    else await db.deleteFrom("idempotency_keys").where("scope", "=", scope).where("key", "=", key).execute();
    throw err;
  }
}
