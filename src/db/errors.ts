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

/** mysql2 codes of a connection that is refused, lost or cut mid-query: the server is down or restarting. */
const MYSQL_CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR",
  "PROTOCOL_ENQUEUE_AFTER_QUIT",
]);

/**
 * MySQL/MariaDB server errors that say "not now" rather than "wrong request": 1021 ER_DISK_FULL, 1040
 * too many connections, 1053 server shutdown, 1114 table full, 1205 lock wait timeout (a write waited
 * behind the global read lock of `SET GLOBAL read_only`), 1290 read-only (ER_OPTION_PREVENTS_STATEMENT),
 * 1836 read-only mode, 1927 connection killed, 2002/2003/2006/2013 client-side lost connections.
 */
const MYSQL_UNAVAILABLE_ERRNOS = new Set([1021, 1040, 1053, 1114, 1205, 1290, 1836, 1927, 2002, 2003, 2006, 2013]);

/** SQLite primary result codes (the low byte of the extended code): 5 BUSY, 8 READONLY, 10 IOERR, 13 FULL, 14 CANTOPEN. */
const SQLITE_UNAVAILABLE_CODES = new Set([5, 8, 10, 13, 14]);

/**
 * True when the database cannot serve the request for now — unreachable, restarting, read-only, disk full,
 * busy — so the answer is 503 with Retry-After, not a 500: the request was fine and may be retried.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) if (unavailableItself(e)) return true;
  return false;
}

function unavailableItself(err: unknown): boolean {
  const e = err as { code?: string; errno?: number; errcode?: number; fatal?: boolean; message?: string };
  if (!e || typeof e !== "object") return false;
  if (typeof e.code === "string" && MYSQL_CONNECTION_CODES.has(e.code)) return true;
  if (typeof e.errno === "number" && MYSQL_UNAVAILABLE_ERRNOS.has(e.errno)) return true;
  if (e.code === "ERR_SQLITE_ERROR" && typeof e.errcode === "number") return SQLITE_UNAVAILABLE_CODES.has(e.errcode & 0xff);
  // mysql2's pool refuses new work once closed; a fatal error is one that ended the connection.
  if (e.fatal === true) return true;
  return typeof e.message === "string" && /^Pool is closed|Can't add new command when connection is in closed state/.test(e.message);
}

/**
 * Runs fn again while the database is unavailable (restarting, read-only for a moment), once every
 * `delayMs`, `attempts` times in all: for work that must not be dropped because the database blinked,
 * such as recording what a provider answered. fn must be a whole transaction.
 */
export async function retryWhileUnavailable<T>(fn: () => Promise<T>, opts: { attempts: number; delayMs: number }): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isDatabaseUnavailable(err) || attempt >= opts.attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, opts.delayMs));
    }
  }
}
