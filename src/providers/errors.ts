import { ExchangeError } from "./http.ts";

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

/**
 * Classifies a failure of the HTTP exchange itself (no whole answer was read, http.ts): a request
 * no connection carried is transient; once it may have reached the provider, the outcome is unknown.
 */
export function classifyExchangeFailure(err: unknown, action: string, timeoutMs: number): ProviderError {
  if (!(err instanceof ExchangeError)) return new ProviderError("unknown", action, "Connection lost", { cause: err });
  const code = err.code;
  if (!err.mayHaveArrived) {
    if (code === "ERR_INVALID_URL") return new ProviderError("transient", action, "Invalid provider URL", { cause: err });
    return new ProviderError("transient", action, err.timedOut ? `Could not connect within ${timeoutMs} ms` : `Could not connect${code ? ` (${code})` : ""}`, { cause: err });
  }
  if (err.timedOut) return new ProviderError("unknown", action, `No answer within ${timeoutMs} ms`, { cause: err });
  // A reset or closed connection after the request could leave: it may have been read and acted on.
  return new ProviderError("unknown", action, `Connection lost${code ? ` (${code})` : ""}`, { cause: err });
}
