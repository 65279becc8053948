import { Context, type Info } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { claimDelivery, markDelivered } from '../db/email-deliveries-repository.js';
import { isDatabaseUnavailableError } from '../db/errors.js';
import { isPermanentMailError, type Mailer } from '../mail/mailer.js';
import { messageIdFor } from '../mail/message-id.js';
import { composeOtpMail } from '../mail/otp-message.js';
import { deriveSignInCode } from '../utils/secrets.js';
import { ACTIVITY_FAILURE, type SendOtpEmailInput, type SendOtpEmailResult } from './types.js';

/** `kind` of the delivery rows this activity writes. */
export const SIGN_IN_CODE_DELIVERY = 'sign-in-code';

/** Failure type for an unexpected error (a bug, a refused query): retried, then reported. */
const INTERNAL_ERROR = 'internal_error';

/** The step an error came from, so only transport errors can count as a rejected mail. */
type Step = 'claim' | 'send' | 'mark';

/**
 * The idempotency key of the current send request:
 * `<workflowId>/<runId>/<activityId>`. The same for every retry of one activity
 * execution, different for each activity the workflow schedules (a resend is a
 * new activity, hence a new mail).
 *
 * @param info - the activity's info
 * @returns the key
 */
export function sendRequestKey(info: Info): string {
  const execution = info.workflowExecution;
  return execution === undefined
    ? `standalone/${info.activityRunId ?? 'none'}/${info.activityId}`
    : `${execution.workflowId}/${execution.runId}/${info.activityId}`;
}

/** Error facts safe to log: never the message, which may carry the address. */
function errorFacts(error: unknown): Record<string, unknown> {
  if (typeof error !== 'object' || error === null) return { errorType: typeof error };
  const { name, code, responseCode } = error as { name?: unknown; code?: unknown; responseCode?: unknown };
  return { errorName: name, errorCode: code, responseCode };
}

function toFailure(error: unknown, step: Step): ApplicationFailure {
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

/**
 * Creates `sendOtpEmailActivity`, which mails a sign-in code.
 *
 * @param deps - configuration, logger, database, `AUTH_SECRET` and mailer
 * @returns the activity function
 */
export function createSendOtpEmailActivity(deps: {
  config: Config;
  logger: Logger;
  database: Database;
  authSecret: string;
  mailer: Mailer;
}) {
  /**
   * Mails the code of a challenge. The code is derived here from the challenge
   * id with `AUTH_SECRET`, so it never travels through Temporal, and a retry
   * mails the very same code.
   *
   * Idempotent per send request (see {@link sendRequestKey}): the request is
   * claimed in `email_deliveries` before sending and marked sent after; a retry
   * that finds it marked returns `alreadySent: true` without sending. One window
   * stays at-least-once: a crash (or a failed mark) after the SMTP server's
   * `250` but before the mark makes the retry send the mail again, with the
   * same code and the same Message-ID, so the recipient's client can tell the
   * copy. The dev outbox is exactly-once: its file name is derived from the key
   * and an existing file counts as sent.
   *
   * @param input - recipient, workflow id, challenge id and the code's lifetime
   * @returns the Message-ID and whether an earlier attempt had sent it
   * @throws ApplicationFailure `email_rejected` (non-retryable) when the server refused the mail
   *   for good (5xx); `email_unavailable` or `database_unavailable` (retryable) for transient faults
   */
  async function sendOtpEmailActivity(input: SendOtpEmailInput): Promise<SendOtpEmailResult> {
    const { info } = Context.current();
    const key = sendRequestKey(info);
    const logContext = { workflowId: info.workflowExecution?.workflowId, activityId: info.activityId, attempt: info.attempt };
    const db = deps.database.db;
    let step: Step = 'claim';
    try {
      const claim = await claimDelivery(db, key, SIGN_IN_CODE_DELIVERY);
      if (claim.alreadySent) {
        deps.logger.info({ ...logContext, messageId: claim.messageId }, 'sign-in code mail already sent; not sending again');
        return { messageId: claim.messageId ?? messageIdFor(key, deps.config.mailFrom), alreadySent: true };
      }
      step = 'send';
      const code = deriveSignInCode(deps.authSecret, input.workflowId, input.challengeId);
      const sent = await deps.mailer.send(composeOtpMail(input.email, code, input.ttlSeconds), key);
      step = 'mark';
      await markDelivered(db, key, sent.messageId);
      deps.logger.info({ ...logContext, messageId: sent.messageId, transport: deps.mailer.kind }, 'sign-in code mail sent');
      return { messageId: sent.messageId, alreadySent: false };
    } catch (error) {
      const failure = toFailure(error, step);
      deps.logger.warn({ ...logContext, step, failureType: failure.type, ...errorFacts(error) }, 'sign-in code mail failed');
      throw failure;
    }
  }

  return sendOtpEmailActivity;
}
