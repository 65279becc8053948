import { Context, type Info } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { claimDelivery, markDelivered } from '../db/email-deliveries-repository.js';
import type { Mailer } from '../mail/mailer.js';
import { messageIdFor } from '../mail/message-id.js';
import { composeOtpMail } from '../mail/otp-message.js';
import { deriveSignInCode } from '../utils/secrets.js';
import { mailErrorFacts, toMailFailure, type MailStep } from './mail-failures.js';
import type { SendOtpEmailInput, SendOtpEmailResult } from './types.js';

/** `kind` of the delivery rows this activity writes. */
export const SIGN_IN_CODE_DELIVERY = 'sign-in-code';

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
    let step: MailStep = 'claim';
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
      const failure = toMailFailure(error, step);
      deps.logger.warn({ ...logContext, step, failureType: failure.type, ...mailErrorFacts(error) }, 'sign-in code mail failed');
      throw failure;
    }
  }

  return sendOtpEmailActivity;
}
