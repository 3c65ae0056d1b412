/**
 * How a provider call failed, which decides what the caller may do next:
 * - definite:  the provider answered and refused (`{"error": …}`, or a 4xx): it did not act; refund/fail.
 * - transient: the request never reached the provider, or it answered 5xx/429 without a usable
 *              answer: safe to try again later.
 * - unknown:   the request was sent and the answer was lost (timeout, reset) or unreadable: the
 *              provider may have acted, so the call must not be blindly repeated.
 */
export type ProviderErrorKind = "definite" | "transient" | "unknown";

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly action: string;
  readonly httpStatus: number | null;
  constructor(kind: ProviderErrorKind, action: string, message: string, opts: { httpStatus?: number | null; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "ProviderError";
    this.kind = kind;
    this.action = action;
    this.httpStatus = opts.httpStatus ?? null;
  }
}

export function isProviderError(err: unknown, kind?: ProviderErrorKind): err is ProviderError {
  return err instanceof ProviderError && (kind === undefined || err.kind === kind);
}

/** Error codes of a connection that failed before any byte of the request left: nothing was sent. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "UND_ERR_CONNECT_TIMEOUT", "ERR_INVALID_URL"]);

function causes(err: unknown): { name?: string; code?: string; message?: string }[] {
  const chain: { name?: string; code?: string; message?: string }[] = [];
  let e: unknown = err;
  for (let i = 0; i < 6 && e && typeof e === "object"; i++) {
    chain.push(e as { name?: string; code?: string; message?: string });
    e = (e as { cause?: unknown }).cause;
  }
  return chain;
}

/** Classifies a failure of the HTTP exchange itself (no answer was read). */
export function classifyFetchFailure(err: unknown, action: string, timeoutMs: number): ProviderError {
  const chain = causes(err);
  if (chain.some((c) => c.name === "TimeoutError" || c.name === "AbortError")) {
    return new ProviderError("unknown", action, `No answer within ${timeoutMs} ms`, { cause: err });
  }
  const code = chain.map((c) => c.code).find((c) => typeof c === "string");
  if (code && NOT_SENT.has(code)) return new ProviderError("transient", action, `Could not connect (${code})`, { cause: err });
  if (chain.some((c) => c.name === "TypeError" && /invalid url|failed to parse url/i.test(c.message ?? ""))) {
    return new ProviderError("transient", action, "Invalid provider URL", { cause: err });
  }
  // A reset or closed socket after connecting: the request may have been read and acted on.
  return new ProviderError("unknown", action, `Connection lost${code ? ` (${code})` : ""}`, { cause: err });
}
