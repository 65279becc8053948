import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError, isGrpcServiceError } from '@temporalio/client';
import { isDatabaseUnavailableError } from '../db/errors.js';
import { TimeoutError } from '../utils/timeout.js';

/**
 * gRPC status codes that mean "Temporal did not answer" rather than "we sent
 * something wrong": CANCELLED (1, our own deadline or abort), DEADLINE_EXCEEDED (4),
 * RESOURCE_EXHAUSTED (8, server overloaded or rate-limited) and UNAVAILABLE (14).
 */
const UNAVAILABLE_GRPC_CODES: ReadonlySet<number> = new Set([1, 4, 8, 14]);

/**
 * The gRPC error detail Temporal sends (with FAILED_PRECONDITION) when a
 * workflow cannot take an Update because its last workflow task failed or
 * timed out, e.g. the worker running it was killed: transient, until a worker
 * completes a new workflow task. Found in the raw `grpc-status-details-bin`,
 * also when nested in an Update-with-Start's MultiOperationExecutionFailure.
 */
const WORKFLOW_NOT_READY = 'temporal.api.errordetails.v1.WorkflowNotReadyFailure';
const FAILED_PRECONDITION = 9;

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
  if (isOwnUnavailable(err) || isTemporalUnavailable(err) || isDatabaseUnavailableError(err)) return true;
  if (err instanceof AggregateError && err.errors.some((inner) => check(inner, depth + 1))) return true;
  return check(err.cause, depth + 1);
}

function isOwnUnavailable(err: Error): boolean {
  // Our TimeoutError, and the DOMException of AbortSignal.timeout() (e.g. a fetch deadline).
  return err instanceof TimeoutError || err.name === 'TimeoutError';
}

function isTemporalUnavailable(err: Error): boolean {
  if (isGrpcServiceError(err)) return UNAVAILABLE_GRPC_CODES.has(err.code) || isWorkflowNotReady(err);
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  if (TEMPORAL_CONNECTION_MESSAGES.some((pattern) => pattern.test(err.message))) return true;
  // A ServiceError wrapping a gRPC status is judged by that status (INVALID_ARGUMENT is
  // our bug, not an outage); one without ("Failed to connect", "Unexpected error while
  // making gRPC request") means the service could not be reached.
  return err instanceof ServiceError && !hasGrpcCause(err);
}

/** What is read of a grpc-js error (the type `isGrpcServiceError` narrows to). */
interface GrpcStatusError {
  readonly code: number;
  readonly metadata: { get(key: string): (string | Buffer)[] };
}

function isWorkflowNotReady(err: GrpcStatusError): boolean {
  if (err.code !== FAILED_PRECONDITION) return false;
  const details = err.metadata.get('grpc-status-details-bin');
  return details.some((value) => (typeof value === 'string' ? value : value.toString('latin1')).includes(WORKFLOW_NOT_READY));
}

function hasGrpcCause(err: Error): boolean {
  let current: unknown = err.cause;
  for (let depth = 0; current instanceof Error && depth < MAX_DEPTH; depth += 1) {
    if (isGrpcServiceError(current)) return true;
    current = current.cause;
  }
  return false;
}
