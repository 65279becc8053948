import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { InvalidApprovalSnapshotError, recordApprovalSnapshot } from '../db/approvals-repository.js';
import type { Database } from '../db/database.js';
import { isDatabaseUnavailableError } from '../db/errors.js';
import { ACTIVITY_FAILURE, type RecordApprovalInput } from './types.js';

/** Failure type for an unexpected error (a bug, a refused query): retried, then reported. */
const INTERNAL_ERROR = 'internal_error';

function toFailure(error: unknown): ApplicationFailure {
  if (error instanceof InvalidApprovalSnapshotError) {
    // The same input fails the same way on every attempt: do not retry.
    return ApplicationFailure.nonRetryable(error.message, INTERNAL_ERROR);
  }
  if (isDatabaseUnavailableError(error)) {
    return ApplicationFailure.retryable('The database is unavailable', ACTIVITY_FAILURE.databaseUnavailable);
  }
  return ApplicationFailure.retryable('Recording the approval failed', INTERNAL_ERROR);
}

/**
 * Creates `recordApprovalActivity`, which keeps the approvals listing
 * projection (tables `approvals` and `approval_participants`) in step with the
 * approval workflows.
 *
 * @param deps - a logger and the database
 * @returns the activity function
 */
export function createRecordApprovalActivity(deps: { logger: Logger; database: Database }) {
  /**
   * Records a snapshot of an approval for listings and reads. Idempotent: a
   * retry changes nothing, and a snapshot whose `version` is not higher than
   * the stored one (an older one arriving late) is ignored.
   *
   * @param input - the approval and its version
   * @throws ApplicationFailure `database_unavailable` (retryable) when the database does not answer;
   *   `internal_error`, retryable for anything unexpected, non-retryable for a snapshot that can never
   *   be stored (createdAt not a date, id not a UUID, version out of range)
   */
  async function recordApprovalActivity(input: RecordApprovalInput): Promise<void> {
    const { info } = Context.current();
    const logContext = {
      approvalId: input.approval.id,
      version: input.version,
      workflowId: info.workflowExecution?.workflowId,
      activityId: info.activityId,
      attempt: info.attempt,
    };
    try {
      const changed = await recordApprovalSnapshot(deps.database.db, input.approval, input.version);
      deps.logger.debug(
        { ...logContext, status: input.approval.status, changed },
        changed ? 'approval snapshot recorded' : 'approval snapshot already recorded or stale',
      );
    } catch (error) {
      const failure = toFailure(error);
      const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
      deps.logger.warn({ ...logContext, failureType: failure.type, errorName: name, errorCode: code }, 'approval snapshot not recorded');
      throw failure;
    }
  }

  return recordApprovalActivity;
}
