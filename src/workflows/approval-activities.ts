import { log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ApprovalMailKind } from '../activities/types.js';
import type { Approval, WebhookOutcome } from '../shared/approval.js';

/**
 * The approval workflow's activity calls with their timeouts and retry
 * policies. Workflows import the activities' *types* only.
 */

// The listing snapshot: keep trying (a database outage must not lose the write); a newer
// snapshot wins over an older one that lands late, so retries are harmless.
const { recordApprovalActivity } = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s' },
});

// Mails: retried with backoff for a day; a permanent refusal (5xx) is final.
const { sendApprovalMailActivity } = proxyActivities<Activities>({
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '24h',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10m', nonRetryableErrorTypes: ['email_rejected'] },
});

/** How long a webhook is retried before the delivery is given up (Standard Webhooks receivers may be down for a while). */
export const WEBHOOK_RETRY_WINDOW = '24h';

const { deliverWebhookActivity } = proxyActivities<Activities>({
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: WEBHOOK_RETRY_WINDOW,
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1h' },
});

/**
 * Writes the approval's snapshot where reads and listings find it.
 *
 * @param approval - the approval as it stands
 * @param version - the workflow's change counter
 */
export async function recordApproval(approval: Approval, version: number): Promise<void> {
  await recordApprovalActivity({ approval, version });
}

/**
 * Sends one approval mail; never throws (a mail that cannot be sent is logged).
 *
 * @param kind - request, reminder or outcome
 * @param to - the recipient
 * @param approval - the approval as it stands
 */
export async function sendApprovalMail(kind: ApprovalMailKind, to: string, approval: Approval): Promise<void> {
  try {
    await sendApprovalMailActivity({ kind, to, approval });
  } catch (error) {
    log.error('approval mail not sent', { approvalId: approval.id, kind, error: String(error) });
  }
}

/**
 * POSTs the final approval to its callback URL, signed, retrying with
 * exponential backoff within {@link WEBHOOK_RETRY_WINDOW}; the same
 * `webhook-id` on every attempt.
 *
 * @param url - the callback URL
 * @param approval - the final approval
 * @param now - the current time (epoch ms) for the outcome record
 * @returns the delivery's outcome, recorded in the workflow's state
 */
export async function deliverWebhook(url: string, approval: Approval, now: () => number): Promise<WebhookOutcome> {
  const webhookId = `msg_${approval.id}`;
  try {
    const result = await deliverWebhookActivity({ url, webhookId, approval });
    return { webhookId, delivered: true, lastStatus: result.status, attempts: result.attempt, finishedAt: new Date(now()).toISOString() };
  } catch (error) {
    log.warn('webhook delivery given up', { approvalId: approval.id, error: String(error) });
    const details = lastAttemptDetails(error);
    return { webhookId, delivered: false, lastStatus: details.status, attempts: details.attempt, finishedAt: new Date(now()).toISOString() };
  }
}

/** The `{ status, attempt }` detail the webhook activity attaches to its failures, if reachable. */
function lastAttemptDetails(error: unknown): { status: number | null; attempt: number } {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const details = (current as { details?: unknown }).details;
    const first: unknown = Array.isArray(details) ? details[0] : undefined;
    if (typeof first === 'object' && first !== null && 'attempt' in first) {
      const { status, attempt } = first as { status?: unknown; attempt?: unknown };
      return { status: typeof status === 'number' ? status : null, attempt: typeof attempt === 'number' ? attempt : 0 };
    }
    current = (current as { cause?: unknown }).cause;
  }
  return { status: null, attempt: 0 };
}
