import { ExchangeError } from "./http.ts";

/**
 * How a provider call failed, which decides what the caller may do next. One question decides:
 * may the panel have acted? (The table with every answer is in docs/orders.md.)
 * - definite:  the panel refused this request (`{"error": …}` about the order, or a 4xx): it did not act; refund/fail.
 * - blocked:   the panel refused because of our account or its own state (funds, key, rate limit,
 *              maintenance), or cannot be used as configured (a redirect, a private address): it did
 *              not act, and any order would be refused the same way until the cause clears; hold and retry later.
 * - transient: nothing reached the panel (refused connection, DNS, TLS handshake, Cloudflare
 *              521/522/523, 429): safe to try again later.
 * - unknown:   the request may have reached the panel and the answer is lost or unusable (timeout
 *              after sending, reset, 5xx from the origin, empty/truncated/non-JSON body,
 *              `{"order":0}`): it may have acted, so the call must never be blindly repeated.
 */
export type ProviderErrorKind = "definite" | "blocked" | "transient" | "unknown";

/** Why a provider blocks every order for now; `setup` is ours to fix (URL, redirect). */
export type BlockCause = "funds" | "key" | "rate_limit" | "maintenance" | "setup";

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly action: string;
  readonly httpStatus: number | null;
  /** Why the provider blocks orders for now (blocked failures only). */
  readonly blockCause: BlockCause | null;
  constructor(kind: ProviderErrorKind, action: string, message: string, opts: { httpStatus?: number | null; cause?: unknown; blockCause?: BlockCause } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "ProviderError";
    this.kind = kind;
    this.action = action;
    this.httpStatus = opts.httpStatus ?? null;
    this.blockCause = kind === "blocked" ? (opts.blockCause ?? "setup") : null;
  }
}

export function isProviderError(err: unknown, kind?: ProviderErrorKind): err is ProviderError {
  return err instanceof ProviderError && (kind === undefined || err.kind === kind);
}

// Refusals about the provider rather than the order; anything else a panel says is about the order.
const BLOCK_PATTERNS: [BlockCause, RegExp][] = [
  ["funds", /not enough (funds|balance|money)|insufficient (funds|balance)|low balance|balance is (too )?low|no (enough )?funds|add funds|top ?up your/i],
  [
    "key",
    /\b(invalid|incorrect|wrong|bad|missing|unknown|disabled|expired|blocked) (api[ _-]?)?key\b|api[ _-]?key (is )?(invalid|incorrect|wrong|disabled|expired|blocked|not valid)|unauthori[sz]ed|access denied|account (is )?(suspended|banned|disabled|blocked|inactive)|user (is )?(banned|blocked)/i,
  ],
  ["rate_limit", /rate.?limit|too many (requests|orders|attempts|calls)|slow down|request limit|limit (exceeded|reached)/i],
  [
    "maintenance",
    /maintenance|temporarily (unavailable|disabled|down|closed)|(api|panel|site|server|system) (is )?(temporarily )?(down|offline|unavailable|disabled|closed)|try again later/i,
  ],
];

/** What a panel's `{"error": text}` is about: one of the provider's block causes, or null (about the order). */
function blockCauseOf(text: string): BlockCause | null {
  for (const [cause, pattern] of BLOCK_PATTERNS) if (pattern.test(text)) return cause;
  return null;
}

/** A refusal text from a panel, typed by what it is about. */
export function refusal(action: string, text: string, httpStatus: number | null): ProviderError {
  const message = text.slice(0, 300) || "Refused";
  const cause = blockCauseOf(text);
  return cause
    ? new ProviderError("blocked", action, message, { httpStatus, blockCause: cause })
    : new ProviderError("definite", action, message, { httpStatus });
}

/** Cloudflare's own error pages: the origin was never reached (521 down, 522 connect timeout, 523 unreachable). */
const CLOUDFLARE_NOT_REACHED = new Set([521, 522, 523]);

/**
 * An HTTP answer without a usable JSON body or `error` field (client.ts readAnswer): may the panel
 * have acted? `fromCloudflare` says the body is Cloudflare's own error page.
 */
export function classifyHttpFailure(action: string, httpStatus: number, fromCloudflare: boolean): ProviderError {
  const opts = { httpStatus };
  if (httpStatus === 429) return new ProviderError("transient", action, "HTTP 429: rate limited", opts);
  if (httpStatus === 408) return new ProviderError("transient", action, "HTTP 408", opts);
  if (CLOUDFLARE_NOT_REACHED.has(httpStatus))
    return new ProviderError("transient", action, `HTTP ${httpStatus} from Cloudflare: the panel was not reached`, opts);
  // Cloudflare's own 502 page: its edge could not get an answer from the origin's connection.
  if (httpStatus === 502 && fromCloudflare) return new ProviderError("transient", action, "HTTP 502 from Cloudflare: the panel was not reached", opts);
  // 500, 503, 504, 520, 524, a panel's 502…: the request reached an origin that may have acted.
  if (httpStatus >= 500) return new ProviderError("unknown", action, `HTTP ${httpStatus}`, opts);
  // A 303 answers a POST that was processed ("see the result there").
  if (httpStatus === 303) return new ProviderError("unknown", action, "HTTP 303: processed elsewhere", opts);
  if (httpStatus >= 300 && httpStatus < 400)
    return new ProviderError("blocked", action, `HTTP ${httpStatus}: the provider's URL redirects; update it (redirects are not followed)`, {
      ...opts,
      blockCause: "setup",
    });
  if (httpStatus === 401 || httpStatus === 403)
    return new ProviderError("blocked", action, `HTTP ${httpStatus}: access refused`, { ...opts, blockCause: "key" });
  return new ProviderError("definite", action, `HTTP ${httpStatus}`, opts);
}

/**
 * Classifies a failure of the HTTP exchange itself (no whole answer was read, http.ts): a request
 * no connection carried is transient; once it may have reached the provider, the outcome is unknown.
 */
export function classifyExchangeFailure(err: unknown, action: string, timeoutMs: number): ProviderError {
  if (!(err instanceof ExchangeError)) return new ProviderError("unknown", action, "Connection lost", { cause: err });
  const code = err.code;
  if (code === "ERR_PRIVATE_ADDRESS") return new ProviderError("blocked", action, err.message, { cause: err, blockCause: "setup" });
  if (code === "ERR_REDIRECT") return new ProviderError("blocked", action, err.message, { cause: err, blockCause: "setup" });
  if (!err.mayHaveArrived) {
    if (code === "ERR_INVALID_URL") return new ProviderError("transient", action, "Invalid provider URL", { cause: err });
    return new ProviderError("transient", action, err.timedOut ? `Could not connect within ${timeoutMs} ms` : `Could not connect${code ? ` (${code})` : ""}`, {
      cause: err,
    });
  }
  if (code === "ERR_ANSWER_TOO_LARGE") return new ProviderError("unknown", action, err.message, { cause: err });
  if (err.timedOut) return new ProviderError("unknown", action, `No answer within ${timeoutMs} ms`, { cause: err });
  // A reset or closed connection after the request could leave: it may have been read and acted on.
  return new ProviderError("unknown", action, `Connection lost${code ? ` (${code})` : ""}`, { cause: err });
}
