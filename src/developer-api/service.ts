import type { Selectable } from "kysely";
import type { Ctx } from "../context.ts";
import { requireUser } from "../context.ts";
import type { ApiKey, ApiLogsTable } from "../db/schema.ts";
import { Conflict, NotFound, fieldError } from "../core/errors.ts";
import { offsetOf, pageOf, type Page, type PageInput } from "../core/pagination.ts";
import { dbNow, toDbTime } from "../lib/time.ts";
import { createApiKey } from "./keys.ts";
import type { CreateKeyInput } from "./schema.ts";
import { UUID } from "../lib/uuid.ts";
import { inTenant } from "../tenancy/scoped.ts";

export type ApiLog = Selectable<ApiLogsTable>;

/** Keys a user may hold at once (revoked ones do not count). */
const MAX_ACTIVE_KEYS = 25;

/** Creates a key for the caller; the raw key is returned here and never again. */
export async function createKey(ctx: Ctx, input: CreateKeyInput): Promise<{ key: ApiKey; raw: string }> {
  const user = requireUser(ctx);
  if (input.expires_at && input.expires_at.getTime() <= ctx.clock.now().getTime()) throw fieldError("expires_at", "Must be in the future");
  const active = await inTenant(ctx)
    .selectFrom("api_keys")
    .select((e) => e.fn.countAll<number>().as("n"))
    .where("user_id", "=", user.id)
    .where("revoked_at", "is", null)
    .executeTakeFirstOrThrow();
  if (Number(active.n) >= MAX_ACTIVE_KEYS) throw new Conflict(`You already have ${MAX_ACTIVE_KEYS} active API keys; revoke one first`, "too_many_keys");
  const made = await createApiKey(ctx, user.id, {
    name: input.name,
    permissions: input.permissions,
    rate_limit_per_minute: input.rate_limit_per_minute,
    ip_whitelist: input.ip_whitelist,
    expires_at: input.expires_at ? toDbTime(input.expires_at) : null,
  });
  return { key: await ownKey(ctx, made.uuid), raw: made.raw };
}

/** The caller's keys on this tenant, newest first (revoked ones included, flagged). */
export async function listKeys(ctx: Ctx, q: PageInput): Promise<Page<ApiKey>> {
  const user = requireUser(ctx);
  const base = inTenant(ctx).selectFrom("api_keys").where("user_id", "=", user.id);
  const count = await base.select((e) => e.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const rows = await base.selectAll().orderBy("created_at", "desc").orderBy("id", "desc").limit(q.per_page).offset(offsetOf(q)).execute();
  return pageOf(rows, count.n, q);
}

/** One of the caller's keys by its public id; anybody else's (or another tenant's) is not found. */
export async function ownKey(ctx: Ctx, publicId: string): Promise<ApiKey> {
  const user = requireUser(ctx);
  if (!UUID.test(publicId)) throw new NotFound("API key not found");
  const key = await inTenant(ctx)
    .selectFrom("api_keys")
    .selectAll()
    .where("uuid", "=", publicId.toLowerCase())
    .where("user_id", "=", user.id)
    .executeTakeFirst();
  if (!key) throw new NotFound("API key not found");
  return key;
}

/** Revokes one of the caller's keys: it stops working on the next request. Revoking twice keeps the first time. */
export async function revokeKey(ctx: Ctx, publicId: string): Promise<ApiKey> {
  const key = await ownKey(ctx, publicId);
  if (key.revoked_at) return key;
  const now = dbNow(ctx.clock);
  await ctx.db.updateTable("api_keys").set({ revoked_at: now, updated_at: now }).where("id", "=", key.id).where("revoked_at", "is", null).execute();
  return ownKey(ctx, publicId);
}

/** The calls made with one of the caller's keys, newest first. */
export async function listKeyLogs(ctx: Ctx, publicId: string, q: PageInput): Promise<Page<ApiLog>> {
  const key = await ownKey(ctx, publicId);
  const base = ctx.db.selectFrom("api_logs").where("api_key_id", "=", key.id);
  const count = await base.select((e) => e.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const rows = await base.selectAll().orderBy("created_at", "desc").orderBy("id", "desc").limit(q.per_page).offset(offsetOf(q)).execute();
  return pageOf(rows, count.n, q);
}
