import { Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { claimDelivery, markDelivered } from '../db/email-deliveries-repository.js';
import { composeApprovalMail } from '../mail/approval-messages.js';
import type { Mailer } from '../mail/mailer.js';
import { messageIdFor } from '../mail/message-id.js';
import { mailErrorFacts, toMailFailure, type MailStep } from './mail-failures.js';
import { sendRequestKey } from './otp-email-activity.js';
import type { ApprovalMailInput, ApprovalMailKind, SendMailResult } from './types.js';

/**
 * `kind` of the delivery rows an approval mail writes: `approval-request`,
 * `approval-reminder` or `approval-outcome`.
 *
 * @param kind - the approval mail's kind
 * @returns the delivery kind
 */
export function approvalDeliveryKind(kind: ApprovalMailKind): string {
  return `approval-${kind}`;
}

/**
 * Creates `sendApprovalMailActivity`, which sends one approval mail (request,
 * reminder or outcome) to one recipient.
 *
 * @param deps - configuration, logger, database and mailer
 * @returns the activity function
 */
export function createSendApprovalMailActivity(deps: { config: Config; logger: Logger; database: Database; mailer: Mailer }) {
  /**
   * Sends an approval mail. Idempotent per send request, exactly like
   * `sendOtpEmailActivity`: the key `<workflowId>/<runId>/<activityId>` is
   * claimed in `email_deliveries` (kind `approval-<kind>`) before sending and
   * marked sent after, so a retry of the same activity sends nothing more,
   * while each activity the workflow schedules (one per recipient and round)
   * sends its own mail. A crash between the server's `250` and the mark
   * leaves an at-least-once window; the copy carries the same Message-ID.
   *
   * Logs the workflow id, activity id, approval id and kind, never the
   * recipient's address or the approval's text.
   *
   * @param input - kind, recipient and the approval as it stands
   * @returns the Message-ID and whether an earlier attempt had sent it
   * @throws ApplicationFailure `email_rejected` (non-retryable) when the server refused the mail
   *   for good (5xx); `email_unavailable` or `database_unavailable` (retryable) for transient faults
   */
  async function sendApprovalMailActivity(input: ApprovalMailInput): Promise<SendMailResult> {
    const { info } = Context.current();
    const key = sendRequestKey(info);
    const kind = approvalDeliveryKind(input.kind);
    const logContext = {
      workflowId: info.workflowExecution?.workflowId,
      activityId: info.activityId,
      attempt: info.attempt,
      approvalId: input.approval.id,
      kind,
    };
    const db = deps.database.db;
    let step: MailStep = 'claim';
    try {
      const claim = await claimDelivery(db, key, kind);
      if (claim.alreadySent) {
        deps.logger.info({ ...logContext, messageId: claim.messageId }, 'approval mail already sent; not sending again');
        return { messageId: claim.messageId ?? messageIdFor(key, deps.config.mailFrom), alreadySent: true };
      }
      step = 'send';
      const sent = await deps.mailer.send(composeApprovalMail(input), key);
      step = 'mark';
      await markDelivered(db, key, sent.messageId);
      deps.logger.info({ ...logContext, messageId: sent.messageId, transport: deps.mailer.kind }, 'approval mail sent');
      return { messageId: sent.messageId, alreadySent: false };
    } catch (error) {
      const failure = toMailFailure(error, step);
      deps.logger.warn({ ...logContext, step, failureType: failure.type, ...mailErrorFacts(error) }, 'approval mail failed');
      throw failure;
    }
  }

  return sendApprovalMailActivity;
}
