import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError, isGrpcServiceError } from '@temporalio/client';
import { TimeoutError } from '../utils/timeout.js';

/**
 * gRPC status codes that mean "Temporal did not answer" rather than "we sent
 * something wrong": CANCELLED (1, our own deadline or abort), DEADLINE_EXCEEDED (4),
 * RESOURCE_EXHAUSTED (8, server overloaded or rate-limited) and UNAVAILABLE (14).
 */
const UNAVAILABLE_GRPC_CODES: ReadonlySet<number> = new Set([1, 4, 8, 14]);

/** Node socket and DNS error codes of a dependency that cannot be reached. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
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

/**
 * PostgreSQL SQLSTATEs of a database that cannot serve us: class 08 (connection
 * exception), 57P01-57P03 (shutdown, crash shutdown, cannot connect now) and 53300
 * (too many connections).
 */
const PG_UNAVAILABLE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;

/** Messages of pg, pg-pool and PGlite errors that carry no code but mean "no connection". */
const DB_CONNECTION_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client was closed and is not queryable/,
  /^PGlite is closed/,
];

/** grpc-js' message when `Connection.connect()` / `ensureConnected()` finds no server in time. */
const TEMPORAL_CONNECTION_MESSAGES = [/^Failed to connect before the deadline/];

const MAX_DEPTH = 8;

/**
 * Tells whether an error means Temporal or the database did not answer, so the
 * API should say `503 unavailable` instead of `500`. Follows `cause` chains and
 * the members of an `AggregateError` (Node's happy-eyeballs connect failures).
 *
 * @param err - anything thrown
 * @returns true for timeouts, Temporal connectivity failures and database connection failures
 */
export function isUnavailableError(err: unknown): boolean {
  return check(err, 0);
}

function check(err: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH || !(err instanceof Error)) return false;
  if (isOwnUnavailable(err) || isTemporalUnavailable(err) || isDatabaseUnavailable(err)) return true;
  if (err instanceof AggregateError && err.errors.some((inner) => check(inner, depth + 1))) return true;
  return check(err.cause, depth + 1);
}

function isOwnUnavailable(err: Error): boolean {
  // Our TimeoutError, and the DOMException of AbortSignal.timeout() (e.g. a fetch deadline).
  return err instanceof TimeoutError || err.name === 'TimeoutError';
}

function isTemporalUnavailable(err: Error): boolean {
  if (isGrpcServiceError(err)) return UNAVAILABLE_GRPC_CODES.has(err.code);
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  if (TEMPORAL_CONNECTION_MESSAGES.some((pattern) => pattern.test(err.message))) return true;
  // A ServiceError wrapping a gRPC status is judged by that status (INVALID_ARGUMENT is
  // our bug, not an outage); one without ("Failed to connect", "Unexpected error while
  // making gRPC request") means the service could not be reached.
  return err instanceof ServiceError && !hasGrpcCause(err);
}

function hasGrpcCause(err: Error): boolean {
  let current: unknown = err.cause;
  for (let depth = 0; current instanceof Error && depth < MAX_DEPTH; depth += 1) {
    if (isGrpcServiceError(current)) return true;
    current = current.cause;
  }
  return false;
}

function isDatabaseUnavailable(err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || PG_UNAVAILABLE.test(code))) return true;
  return DB_CONNECTION_MESSAGES.some((pattern) => pattern.test(err.message));
}
