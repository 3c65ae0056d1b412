import type { Ctx } from "../context.ts";
import type { JobDef, Progress } from "../jobs/scheduler.ts";
import { DAY, dbNow } from "../lib/time.ts";
import { purgeExpiredKeys } from "../idempotency/keys.ts";

/** API and provider call logs are kept this long. */
const LOG_RETENTION_DAYS = 90;

interface CleanupResult {
  sessions: number;
  resetTokens: number;
  idempotencyKeys: number;
  apiLogs: number;
  providerLogs: number;
}

/** Deletes expired sessions, password-reset tokens and idempotency keys, and call logs past their retention. */
async function cleanup(ctx: Ctx, progress?: Progress): Promise<CleanupResult> {
  progress?.start("clean-up", 5);
  const now = dbNow(ctx.clock);
  const cutoff = dbNow(ctx.clock, -LOG_RETENTION_DAYS * DAY);
  const sessions = Number((await ctx.db.deleteFrom("sessions").where("expires_at", "<=", now).executeTakeFirst()).numDeletedRows);
  progress?.tick();
  // A used token is deleted when it is used; what is left is links nobody followed in time.
  const resetTokens = Number((await ctx.db.deleteFrom("password_reset_tokens").where("expires_at", "<=", now).executeTakeFirst()).numDeletedRows);
  progress?.tick();
  const idempotencyKeys = await purgeExpiredKeys(ctx);
  progress?.tick();
  const apiLogs = Number((await ctx.db.deleteFrom("api_logs").where("created_at", "<", cutoff).executeTakeFirst()).numDeletedRows);
  progress?.tick();
  const providerLogs = Number((await ctx.db.deleteFrom("provider_logs").where("created_at", "<", cutoff).executeTakeFirst()).numDeletedRows);
  progress?.tick();
  const result = { sessions, resetTokens, idempotencyKeys, apiLogs, providerLogs };
  progress?.done(
    `removed ${sessions} session(s), ${resetTokens} reset token(s), ${idempotencyKeys} idempotency key(s), ${apiLogs} API log(s), ${providerLogs} provider log(s)`,
  );
  ctx.logger.info("maintenance clean-up", { ...result });
  return result;
}

export const cleanupJob: JobDef = {
  name: "maintenance:cleanup",
  description: `delete expired sessions, reset tokens and idempotency keys, API/provider logs older than ${LOG_RETENTION_DAYS} days`,
  schedule: "0 17 3 * * *",
  run: (ctx, progress) => cleanup(ctx, progress),
};
