import { ApplicationFailure } from '@temporalio/common';
import { isDatabaseUnavailableError } from '../db/errors.js';
import { isPermanentMailError } from '../mail/mailer.js';
import { ACTIVITY_FAILURE } from './types.js';

/**
 * How the mail activities turn errors into `ApplicationFailure`s and log them,
 * shared by `sendOtpEmailActivity` and `sendApprovalMailActivity`.
 */

/** Failure type for an unexpected error (a bug, a refused query): retried, then reported. */
export const INTERNAL_ERROR = 'internal_error';

/**
 * The step of an idempotent send an error came from (claim → send → mark), so
 * only transport errors can count as a rejected mail.
 */
export type MailStep = 'claim' | 'send' | 'mark';

/**
 * Error facts safe to log: never the message, which may carry the address.
 *
 * @param error - anything thrown
 * @returns the error's name, code and SMTP response code
 */
export function mailErrorFacts(error: unknown): Record<string, unknown> {
  if (typeof error !== 'object' || error === null) return { errorType: typeof error };
  const { name, code, responseCode } = error as { name?: unknown; code?: unknown; responseCode?: unknown };
  return { errorName: name, errorCode: code, responseCode };
}

/**
 * Maps an error of a mail activity to the failure it throws: a permanent SMTP
 * refusal while sending is `email_rejected` (non-retryable); an unreachable
 * database `database_unavailable`, any other sending error `email_unavailable`,
 * anything else `internal_error` (all retryable). An `ApplicationFailure` is
 * passed through. The message never holds the address.
 *
 * @param error - anything thrown
 * @param step - the step that threw
 * @returns the failure to throw
 */
export function toMailFailure(error: unknown, step: MailStep): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  const responseCode = (error as { responseCode?: unknown } | null)?.responseCode;
  const reply = typeof responseCode === 'number' ? ` (${responseCode})` : '';
  if (step === 'send' && isPermanentMailError(error)) {
    return ApplicationFailure.nonRetryable(`The mail server refused the mail${reply}`, ACTIVITY_FAILURE.emailRejected);
  }
  if (isDatabaseUnavailableError(error)) {
    return ApplicationFailure.retryable('The database is unavailable', ACTIVITY_FAILURE.databaseUnavailable);
  }
  if (step === 'send') return ApplicationFailure.retryable(`The mail could not be sent${reply}`, ACTIVITY_FAILURE.emailUnavailable);
  return ApplicationFailure.retryable(`Recording the mail delivery failed (${step})`, INTERNAL_ERROR);
}
