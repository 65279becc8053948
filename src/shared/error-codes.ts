/**
 * The contract's error codes and the HTTP status each one answers with.
 *
 * Every error body is `{"error": {"code": <one of these>, "message": <text>}}`.
 * Workflows fail with `ApplicationFailure.nonRetryable(message, code)` using the
 * same codes, so the API can hand a workflow's refusal straight to the caller.
 * Workflow-safe: imports nothing.
 */
export const ERROR_STATUS = {
  /** Malformed JSON, a body or query that fails its schema, or a non-JSON body. */
  invalid_request: 400,
  /** The email address cannot be used. */
  invalid_email: 400,
  /** Turnstile is on and the token is missing or was rejected. */
  captcha_failed: 403,
  /** No valid Bearer token. */
  unauthorized: 401,
  /** Wrong sign-in code; `attemptsRemaining` rides along. */
  invalid_code: 401,
  /** The sign-in code outlived `OTP_TTL_SECONDS`. */
  code_expired: 410,
  /** The sign-in code was locked after `OTP_MAX_ATTEMPTS` wrong tries. */
  too_many_attempts: 410,
  /** No live sign-in code exists for this email (used, or never requested). */
  no_active_code: 410,
  /** No such route, or a resource the caller may not know exists. */
  not_found: 404,
  /** The caller is known but may not do this (e.g. an approver cancelling). */
  forbidden: 403,
  /** The requester tried to decide an approval they are not an approver of. */
  not_an_approver: 403,
  /** This approver already decided. */
  already_decided: 409,
  /** The approval is no longer pending. */
  not_pending: 409,
  /** The body is over 64 KiB. */
  payload_too_large: 413,
  /** Rate limit or resend cooldown; a `Retry-After` header says when to retry. */
  too_many_requests: 429,
  /** Temporal or the database did not answer in time. */
  unavailable: 503,
  /** Anything unexpected; details are logged, never returned. */
  internal_error: 500,
} as const satisfies Readonly<Record<string, number>>;

/** One of the contract's error codes. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** Every error code, in the order of {@link ERROR_STATUS}. */
export const ERROR_CODES = Object.keys(ERROR_STATUS) as readonly ErrorCode[];

/**
 * Tells whether a value is one of the contract's error codes.
 *
 * @param value - anything, e.g. an `ApplicationFailure.type`
 * @returns true when `value` is a key of {@link ERROR_STATUS}
 */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}
