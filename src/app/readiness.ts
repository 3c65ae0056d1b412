import { sql, type Kysely } from "kysely";
import type { RedisPing } from "../http/rate-limit.ts";

/** What `/readyz` reports: each dependency reachable now, and whether this instance is shutting down. */
interface Readiness {
  ready: boolean;
  checks: { database: boolean; redis?: boolean; draining?: true };
}

async function databaseAnswers<DB>(db: Kysely<DB>): Promise<boolean> {
  try {
    await Promise.race([sql`select 1`.execute(db), new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 2000).unref())]);
    return true;
  } catch {
    return false;
  }
}

/** Ready when the database (and Redis, if configured) answer and the instance is not draining; never throws. */
export async function readiness<DB>(db: Kysely<DB>, redis: RedisPing, draining: boolean): Promise<Readiness> {
  const [database, redisUp] = await Promise.all([databaseAnswers(db), redis ? redis().catch(() => false) : Promise.resolve(undefined)]);
  const checks: Readiness["checks"] = { database };
  if (redisUp !== undefined) checks.redis = redisUp;
  if (draining) checks.draining = true;
  return { ready: database && redisUp !== false && !draining, checks };
}
