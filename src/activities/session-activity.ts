import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import { isDatabaseUnavailableError } from '../db/errors.js';
import { createSession, SessionConflictError } from '../db/sessions-repository.js';
import { findOrCreateUserByEmail } from '../db/users-repository.js';
import { ACTIVITY_FAILURE, type CreateSessionInput, type CreateSessionResult } from './types.js';

/** Failure type for an unexpected error (a bug, a refused query): retried, then reported. */
const INTERNAL_ERROR = 'internal_error';

function toFailure(error: unknown): ApplicationFailure {
  if (error instanceof SessionConflictError) {
    return ApplicationFailure.nonRetryable('The session id is taken by another sign-in', ACTIVITY_FAILURE.sessionConflict);
  }
  if (isDatabaseUnavailableError(error)) {
    return ApplicationFailure.retryable('The database is unavailable', ACTIVITY_FAILURE.databaseUnavailable);
  }
  return ApplicationFailure.retryable('Creating the session failed', INTERNAL_ERROR);
}

/**
 * Creates `createSessionActivity`, which stores a session (and the user on a
 * first sign-in).
 *
 * @param deps - a logger and the database
 * @returns the activity function
 */
export function createCreateSessionActivity(deps: { logger: Logger; database: Database }) {
  /**
   * Finds or creates the user of `input.email` and creates the session
   * `input.sessionId`, in one transaction (all or nothing). Idempotent: a retry
   * with the same input finds the user and the session the first attempt made
   * and creates neither again; concurrent calls for one email make one user.
   *
   * @param input - email, session id, token hash and expiry
   * @returns the user
   * @throws ApplicationFailure `session_conflict` (non-retryable) when the session id is taken by
   *   another user or token; `database_unavailable` (retryable) when the database does not answer
   */
  async function createSessionActivity(input: CreateSessionInput): Promise<CreateSessionResult> {
    const { info } = Context.current();
    const logContext = { workflowId: info.workflowExecution?.workflowId, activityId: info.activityId, attempt: info.attempt };
    const expiresAt = new Date(input.expiresAt);
    if (Number.isNaN(expiresAt.getTime())) throw ApplicationFailure.nonRetryable('expiresAt is not a date', INTERNAL_ERROR);
    try {
      // Only `trx` inside: PGlite has one connection, so `database.db` would wait for this transaction.
      const user = await deps.database.db.transaction().execute(async (trx) => {
        const found = await findOrCreateUserByEmail(trx, input.email);
        await createSession(trx, {
          id: input.sessionId,
          userId: found.id,
          tokenHash: input.tokenHash,
          expiresAt,
        });
        return found;
      });
      deps.logger.info({ ...logContext, userId: user.id, sessionId: input.sessionId }, 'session created');
      return { user: { id: user.id, email: user.email } };
    } catch (error) {
      const failure = toFailure(error);
      const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
      deps.logger.warn({ ...logContext, failureType: failure.type, errorName: name, errorCode: code }, 'session not created');
      throw failure;
    }
  }

  return createSessionActivity;
}
