type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

const SECRET_KEYS = /pass(word)?|secret|token|api_?key|authorization|cookie|^key$/i;

/** Replaces values of secret-looking fields so that logs never carry credentials. */
function redact(data: unknown, depth = 0): unknown {
  if (depth > 4 || data === null || typeof data !== "object") return data;
  if (Array.isArray(data)) return data.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) out[k] = SECRET_KEYS.test(k) ? "[redacted]" : redact(v, depth + 1);
  return out;
}

/** One JSON line per event on stderr (stdout stays for CLI output). */
export function createLogger(level: LogLevel = "info"): Logger {
  const min = order[level];
  const write = (lvl: LogLevel, msg: string, data?: Record<string, unknown>) => {
    if (order[lvl] < min) return;
    const line = { t: new Date().toISOString(), level: lvl, msg, ...(data ? (redact(data) as object) : {}) };
    process.stderr.write(`${JSON.stringify(line)}\n`);
  };
  return {
    debug: (m, d) => write("debug", m, d),
    info: (m, d) => write("info", m, d),
    warn: (m, d) => write("warn", m, d),
    error: (m, d) => write("error", m, d),
  };
}
