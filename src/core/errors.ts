/** Typed domain errors; one onError maps them to the JSON envelope. */
export type FieldErrors = Record<string, string[]>;

export class AppError extends Error {
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;
  readonly code: string;
  readonly details?: unknown;
  constructor(status: AppError["status"], code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export class BadRequest extends AppError {
  constructor(message = "Bad request", code = "bad_request") {
    super(400, code, message);
  }
}
export class Unauthorized extends AppError {
  constructor(message = "Authentication required", code = "unauthenticated") {
    super(401, code, message);
  }
}
export class Forbidden extends AppError {
  constructor(message = "Forbidden", code = "forbidden") {
    super(403, code, message);
  }
}
export class NotFound extends AppError {
  constructor(message = "Not found", code = "not_found") {
    super(404, code, message);
  }
}
export class Conflict extends AppError {
  constructor(message = "Conflict", code = "conflict") {
    super(409, code, message);
  }
}
export class Validation extends AppError {
  /** The language of the field messages when a page asked for its own ("fr", "en"); none: the APIs' English. */
  readonly lang?: string;
  constructor(details: FieldErrors, message = "The given data was invalid", lang?: string) {
    super(422, "validation_failed", message, details);
    this.lang = lang;
  }
}
export class InsufficientBalance extends AppError {
  constructor(message = "Insufficient balance") {
    super(422, "insufficient_balance", message, { balance: ["Insufficient balance"] });
  }
}
export class TooManyRequests extends AppError {
  constructor(message = "Too many requests, please try again later") {
    super(429, "rate_limited", message);
  }
}
export class Unavailable extends AppError {
  constructor(message = "Service unavailable", code = "unavailable") {
    super(503, code, message);
  }
}

/** Shortcut for a single-field validation error. */
export function fieldError(field: string, message: string): Validation {
  return new Validation({ [field]: [message] });
}

/** The documented error envelope of a domain error. */
export function envelopeOf(err: AppError, requestId?: string) {
  const error: Record<string, unknown> = { code: err.code, message: err.message };
  if (err.details !== undefined) error.details = err.details;
  // Every 422 carries field details; a refusal about the request as a whole is filed under "_".
  else if (err.status === 422) error.details = { _: [err.message] };
  if (requestId) error.request_id = requestId;
  return { error };
}
