import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { signWebhook, webhookSigningSecret } from '../utils/webhook-signature.js';
import type { DeliverWebhookInput, DeliverWebhookResult } from './types.js';

/** Limit of one delivery attempt: connecting, sending and the receiver's answer. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** `ApplicationFailure` type of a failed attempt; its details are `[{ status, attempt }]`. */
export const WEBHOOK_FAILED = 'webhook_failed';

/** Details of a `webhook_failed` failure. */
export interface WebhookFailureDetails {
  /** The receiver's HTTP status, or null when none answered (network error, timeout, bad URL). */
  readonly status: number | null;
  /** The attempt that failed (1 = first). */
  readonly attempt: number;
}

function webhookFailure(message: string, details: WebhookFailureDetails, nonRetryable = false): ApplicationFailure {
  return ApplicationFailure.create({ message, type: WEBHOOK_FAILED, nonRetryable, details: [details] });
}

/** Why a request got no answer: the socket error's code, or `TimeoutError` and the like. */
function reasonOf(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'unknown';
}

/**
 * Creates `deliverWebhookActivity`, which POSTs a final Approval to its
 * `callbackUrl`, signed per the Standard Webhooks spec.
 *
 * @param deps - configuration, logger, `AUTH_SECRET` (the signing secret is derived from it)
 *   and, for tests, the limit of an attempt (default {@link WEBHOOK_TIMEOUT_MS})
 * @returns the activity function
 */
export function createDeliverWebhookActivity(deps: { config: Config; logger: Logger; authSecret: string; timeoutMs?: number }) {
  const secret = webhookSigningSecret(deps.authSecret);
  const timeoutMs = deps.timeoutMs ?? WEBHOOK_TIMEOUT_MS;

  /**
   * Makes one delivery attempt: POSTs `JSON.stringify(approval)` with
   * `webhook-id` (the input's, the same on every attempt, so the receiver can
   * drop duplicates), `webhook-timestamp` (now: each attempt is signed afresh,
   * as the spec expects) and `webhook-signature`. Redirects are not followed;
   * the attempt gives up after {@link WEBHOOK_TIMEOUT_MS} (10 s). Backoff and the
   * retry window are the workflow's retry policy. Idempotent as far as HTTP
   * allows: the receiver deduplicates on `webhook-id`.
   *
   * Logs the approval id, webhook id, attempt, status and the URL's origin
   * only (its path or query may carry a token).
   *
   * @param input - the callback URL, the delivery's webhook id and the final Approval
   * @returns the receiver's 2xx status and the attempt that succeeded
   * @throws ApplicationFailure `webhook_failed` with details `[{ status, attempt }]`: retryable for
   *   a non-2xx answer (3xx included), a network error or a timeout; non-retryable for a URL
   *   that is not http(s)
   */
  async function deliverWebhookActivity(input: DeliverWebhookInput): Promise<DeliverWebhookResult> {
    const { info } = Context.current();
    const attempt = info.attempt;
    const logContext = {
      workflowId: info.workflowExecution?.workflowId,
      activityId: info.activityId,
      approvalId: input.approval.id,
      webhookId: input.webhookId,
      attempt,
    };
    let url: URL;
    try {
      url = new URL(input.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      deps.logger.error({ ...logContext, status: null }, 'webhook URL is not an http(s) URL; not delivering');
      throw webhookFailure('The callback URL is not an http(s) URL', { status: null, attempt }, true);
    }
    const target = { ...logContext, origin: url.origin };
    const body = JSON.stringify(input.approval);
    const timestamp = Math.floor(Date.now() / 1000);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': input.webhookId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(secret, input.webhookId, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      // The answer's body is not used; drop it so the connection is freed.
      await response.body?.cancel().catch(() => undefined);
    } catch (error) {
      const reason = reasonOf(error);
      deps.logger.warn({ ...target, status: null, reason }, 'webhook delivery got no answer');
      throw webhookFailure(`The webhook receiver did not answer (${reason})`, { status: null, attempt });
    }
    const { status } = response;
    if (status < 200 || status > 299) {
      deps.logger.warn({ ...target, status }, 'webhook delivery refused');
      throw webhookFailure(`The webhook receiver answered HTTP ${status}`, { status, attempt });
    }
    deps.logger.info({ ...target, status }, 'webhook delivered');
    return { status, attempt };
  }

  return deliverWebhookActivity;
}
