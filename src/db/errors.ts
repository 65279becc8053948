import { DatabaseError } from 'pg';

/** The database did not answer in time or could not be reached (maps to HTTP 503). */
export class DatabaseUnavailableError extends Error {
  /**
   * @param message - what failed, for a person
   * @param options - the underlying error, if any
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

/** Node socket error codes that mean "no usable connection". */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** SQLSTATEs that mean the server is going away, overloaded or cancelled us (timeouts). */
const UNAVAILABLE_SQLSTATES = new Set(['57014', '57P01', '57P02', '57P03', '53300', '55P03']);

/** Messages of `pg`, `pg-pool` and PGlite errors that carry no code. */
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Query read timeout',
  'is not queryable',
  'Cannot use a pool after calling end',
  'PGlite is closed',
  'driver has already been destroyed',
];

/**
 * Tells whether an error means "the database is unreachable or too slow" rather
 * than "the query is wrong": connection failures, timeouts, server shutdown.
 * Routes answer these with `503 unavailable`; activities let Temporal retry them.
 *
 * @param error - anything thrown by a database call
 * @returns true for availability failures
 */
export function isDatabaseUnavailableError(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  if (error instanceof AggregateError && error.errors.some(isDatabaseUnavailableError)) return true;
  if (!(error instanceof Error)) return false;
  if (error instanceof DatabaseError) {
    const state = error.code ?? '';
    return state.startsWith('08') || UNAVAILABLE_SQLSTATES.has(state);
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && NETWORK_CODES.has(code)) return true;
  if (UNAVAILABLE_MESSAGES.some((message) => error.message.includes(message))) return true;
  return error.cause !== undefined && error.cause !== error && isDatabaseUnavailableError(error.cause);
}
