import { ERROR_STATUS, type ErrorCode } from '../shared/error-codes.js';

/** Extra fields merged into the `error` object of the body (e.g. `attemptsRemaining`). */
export type ErrorExtra = Readonly<Record<string, unknown>>;

/** The JSON body of every error response. */
export interface ErrorResponseBody {
  readonly error: { readonly code: ErrorCode; readonly message: string } & ErrorExtra;
}

/** Options of {@link AppError} beyond code, message and extra fields. */
export interface AppErrorOptions {
  /** Sent as a `Retry-After` header (whole seconds, at least 1). */
  readonly retryAfterSeconds?: number;
  /** The error that led to this one; logged, never returned. */
  readonly cause?: unknown;
}

/**
 * The one error type routes throw to answer with a contract error.
 * Its status comes from {@link ERROR_STATUS}; its message is shown to the caller.
 */
export class AppError extends Error {
  /** HTTP status of the response, derived from the code. */
  readonly statusCode: number;
  /** Seconds to put in `Retry-After`, when set. */
  readonly retryAfterSeconds: number | undefined;

  /**
   * @param code - the contract's error code
   * @param message - text for a person; returned as is, so keep secrets out
   * @param extra - fields merged inside `error` (they cannot replace `code` or `message`)
   * @param options - `retryAfterSeconds` and `cause`
   */
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: ErrorExtra = {},
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.statusCode = ERROR_STATUS[code];
    this.retryAfterSeconds =
      options.retryAfterSeconds === undefined ? undefined : Math.max(1, Math.ceil(options.retryAfterSeconds));
  }

  /**
   * Builds the response body.
   *
   * @returns `{"error": {...extra, "code", "message"}}`
   */
  toBody(): ErrorResponseBody {
    return { error: { ...this.extra, code: this.code, message: this.message } };
  }
}
