/** True for a duplicate key on either dialect (MySQL ER_DUP_ENTRY, SQLite UNIQUE/PRIMARY KEY constraint). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; errno?: number; message?: string; errcode?: number };
  if (e?.code === "ER_DUP_ENTRY" || e?.errno === 1062) return true;
  if (e?.errcode === 2067 || e?.errcode === 1555) return true;
  return typeof e?.message === "string" && /UNIQUE constraint failed|PRIMARY KEY constraint failed/.test(e.message);
}

/** True when MySQL rolled the transaction back to break a deadlock (ER_LOCK_DEADLOCK): running it again is the remedy. */
function isDeadlock(err: unknown): boolean {
  const e = err as { code?: string; errno?: number };
  return e?.code === "ER_LOCK_DEADLOCK" || e?.errno === 1213;
}

/** Runs fn again (at most `attempts` times in all) while MySQL picks it as a deadlock's victim; fn must be a whole transaction. */
export async function retryDeadlocks<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isDeadlock(err) || attempt >= attempts) throw err;
    }
  }
}
