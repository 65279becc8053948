import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { ACTIVITY_FAILURE, type VerifyTurnstileInput } from './types.js';

/**
 * How long one siteverify call may take: below the activity's 2.5 s
 * start-to-close timeout, so a slow answer ends as this activity's own
 * retryable failure rather than as a timeout.
 */
export const SITEVERIFY_TIMEOUT_MS = 2_000;

/** siteverify's codes for "our request or secret is wrong": a server fault, not the person's. */
const CONFIGURATION_ERROR_CODES = new Set(['missing-input-secret', 'invalid-input-secret', 'bad-request']);

interface SiteverifyAnswer {
  readonly success: boolean;
  readonly errorCodes: readonly string[];
}

function parseAnswer(body: unknown): SiteverifyAnswer | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { success, 'error-codes': codes } = body as { success?: unknown; 'error-codes'?: unknown };
  if (typeof success !== 'boolean') return undefined;
  const errorCodes = Array.isArray(codes) ? codes.filter((code): code is string => typeof code === 'string') : [];
  return { success, errorCodes };
}

function unavailable(message: string): ApplicationFailure {
  return ApplicationFailure.retryable(message, ACTIVITY_FAILURE.turnstileUnavailable);
}

/**
 * Creates `verifyTurnstileActivity`, which checks a Turnstile token with
 * Cloudflare's siteverify (`TURNSTILE_VERIFY_URL`).
 *
 * @param deps - the configuration (secret and URL) and a logger
 * @returns the activity function
 */
export function createVerifyTurnstileActivity(deps: { config: Config; logger: Logger }) {
  const { secretKey, verifyUrl } = deps.config.turnstile;

  /**
   * Checks a Turnstile token. Idempotent: siteverify accepts a repeated check of
   * one token under the same `idempotency_key` and gives the same answer.
   * Without `TURNSTILE_SECRET_KEY` it resolves at once (the check is off; the
   * start-up warning is logged elsewhere).
   *
   * @param input - the token, the client's IP and the check's idempotency key
   * @throws ApplicationFailure `captcha_failed` (non-retryable) when siteverify rejects the token;
   *   `turnstile_unavailable` (retryable) on `internal-error`, HTTP 429/5xx, network errors and
   *   timeouts; `turnstile_unavailable` (non-retryable) when siteverify refuses our secret or request
   */
  async function verifyTurnstileActivity(input: VerifyTurnstileInput): Promise<void> {
    if (secretKey === undefined) return;
    const { info } = Context.current();
    const logContext = { workflowId: info.workflowExecution?.workflowId, activityId: info.activityId, attempt: info.attempt };
    const form = new URLSearchParams({
      secret: secretKey,
      response: input.token,
      remoteip: input.remoteIp,
      idempotency_key: input.idempotencyKey,
    });
    let response: Response;
    let body: unknown;
    try {
      response = await fetch(verifyUrl, { method: 'POST', body: form, signal: AbortSignal.timeout(SITEVERIFY_TIMEOUT_MS) });
      body = await response.json().catch(() => undefined);
    } catch (error) {
      const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
      const reason = cause?.code ?? (error instanceof Error ? error.name : 'unknown');
      deps.logger.warn({ ...logContext, reason }, 'Turnstile siteverify did not answer');
      throw unavailable(`Turnstile siteverify did not answer (${reason})`);
    }
    if (response.status === 429 || response.status >= 500) {
      deps.logger.warn({ ...logContext, status: response.status }, 'Turnstile siteverify is unavailable');
      throw unavailable(`Turnstile siteverify answered HTTP ${response.status}`);
    }
    const answer = parseAnswer(body);
    if (answer === undefined) {
      deps.logger.warn({ ...logContext, status: response.status }, 'Turnstile siteverify gave an unreadable answer');
      throw unavailable(`Turnstile siteverify gave an unreadable answer (HTTP ${response.status})`);
    }
    const { errorCodes } = answer;
    if (answer.success) {
      deps.logger.info(logContext, 'Turnstile token accepted');
      return;
    }
    if (errorCodes.includes('internal-error')) {
      deps.logger.warn({ ...logContext, errorCodes }, 'Turnstile siteverify had an internal error');
      throw unavailable('Turnstile siteverify had an internal error');
    }
    if (errorCodes.some((code) => CONFIGURATION_ERROR_CODES.has(code))) {
      deps.logger.error({ ...logContext, errorCodes }, 'Turnstile siteverify refused our request: check TURNSTILE_SECRET_KEY');
      throw ApplicationFailure.nonRetryable('Turnstile siteverify refused the server secret', ACTIVITY_FAILURE.turnstileUnavailable);
    }
    deps.logger.info({ ...logContext, errorCodes }, 'Turnstile token rejected');
    throw ApplicationFailure.nonRetryable(`Turnstile rejected the token (${errorCodes.join(', ')})`, ACTIVITY_FAILURE.captchaFailed);
  }

  return verifyTurnstileActivity;
}
