import { ApplicationFailure, WorkflowFailedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { isErrorCode, type ErrorCode } from '../shared/error-codes.js';
import { AppError, type ErrorExtra } from '../utils/app-error.js';
import { isUnavailableError } from './unavailable.js';

/** Largest accepted request body: 64 KiB. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** How loudly a mapped error is logged. */
export type ErrorLogLevel = 'info' | 'warn' | 'error';

/** An error translated to the contract, with the level to log the original at. */
export interface MappedError {
  readonly error: AppError;
  readonly level: ErrorLogLevel;
}

const GENERIC_500 = 'Something went wrong on our side. Please try again later.';
const GENERIC_503 = 'A service we depend on is not answering. Please try again shortly.';

/**
 * Translates anything thrown while serving a request into an {@link AppError}:
 * AppErrors as they are; Fastify's own 4xx (malformed JSON, schema failure,
 * unsupported media type, body too large); a workflow's `ApplicationFailure`
 * whose `type` is a contract code; Temporal's workflow-not-found; connectivity
 * failures of Temporal or the database (503); everything else 500 with a
 * generic message (the original is only logged).
 *
 * @param err - anything thrown
 * @returns the contract error and how to log the original
 */
export function toAppError(err: unknown): MappedError {
  if (err instanceof AppError) return { error: err, level: levelOf(err) };
  const fastifyError = fromFastify(err);
  if (fastifyError !== undefined) return { error: fastifyError, level: 'info' };
  const failure = fromTemporalFailure(err);
  if (failure !== undefined) return { error: failure, level: levelOf(failure) };
  if (isUnavailableError(err)) return { error: new AppError('unavailable', GENERIC_503), level: 'warn' };
  return { error: new AppError('internal_error', GENERIC_500), level: 'error' };
}

function levelOf(error: AppError): ErrorLogLevel {
  if (error.statusCode < 500) return 'info';
  return error.code === 'unavailable' ? 'warn' : 'error';
}

interface FastifyLikeError {
  readonly code: string;
  readonly statusCode: number;
  readonly message: string;
}

function isFastifyError(err: unknown): err is FastifyLikeError {
  if (!(err instanceof Error)) return false;
  const { code, statusCode } = err as { code?: unknown; statusCode?: unknown };
  return typeof code === 'string' && code.startsWith('FST_') && typeof statusCode === 'number';
}

function fromFastify(err: unknown): AppError | undefined {
  if (!isFastifyError(err) || err.statusCode >= 500) return undefined;
  switch (err.code) {
    case 'FST_ERR_VALIDATION':
      return new AppError('invalid_request', `Invalid request: ${err.message}`);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('invalid_request', 'Request body is not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_request', 'Request body is empty but Content-Type is application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', `Request body is larger than ${BODY_LIMIT_BYTES / 1024} KiB`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      // Decision: 400 invalid_request rather than 415, so every status keeps its contract code.
      return new AppError('invalid_request', 'Unsupported Content-Type: send application/json');
    default:
      // Any other Fastify 4xx (bad URL encoding, wrong Content-Length, ...) is the client's.
      return new AppError(FASTIFY_STATUS_CODES[err.statusCode] ?? 'invalid_request', err.message);
  }
}

/** Fastify 4xx statuses that keep their own contract code; every other 4xx is `invalid_request`. */
const FASTIFY_STATUS_CODES: Readonly<Partial<Record<number, ErrorCode>>> = {
  404: 'not_found',
  413: 'payload_too_large',
  429: 'too_many_requests',
};

function fromTemporalFailure(err: unknown): AppError | undefined {
  if (err instanceof WorkflowNotFoundError) return new AppError('not_found', 'Not found');
  const failure =
    err instanceof WorkflowUpdateFailedError || err instanceof WorkflowFailedError ? err.cause : err;
  if (!(failure instanceof ApplicationFailure) || !isErrorCode(failure.type)) return undefined;
  const { retryAfterSeconds, ...extra } = extraFromDetails(failure.details);
  return new AppError(failure.type, failure.message, extra, {
    cause: err,
    ...(typeof retryAfterSeconds === 'number' ? { retryAfterSeconds } : {}),
  });
}

/**
 * A workflow may attach extra error fields as the first detail, e.g.
 * `{ attemptsRemaining: 2 }`; `retryAfterSeconds` there becomes the
 * `Retry-After` header instead of a body field.
 */
function extraFromDetails(details: unknown[] | null | undefined): ErrorExtra {
  const first = details?.[0];
  if (typeof first !== 'object' || first === null || Array.isArray(first)) return {};
  return first as ErrorExtra;
}
