import { ActivityFailure, ApplicationFailure, log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { CreateSessionInput, CreateSessionResult, SendOtpEmailInput } from '../activities/types.js';
import type { TurnstileCheck } from '../shared/sign-in.js';
import { unavailableFailure } from './failures.js';

/**
 * The sign-in workflow's activity calls with their timeouts and retry
 * policies. Workflows import the activities' *types* only.
 */

// Turnstile answers within the API's request budget (about 4 s): a few quick retries of
// `internal-error`, then give up with 503 rather than hang the caller.
const { verifyTurnstileActivity } = proxyActivities<Activities>({
  startToCloseTimeout: '2500ms',
  scheduleToCloseTimeout: '3500ms',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '1s', maximumAttempts: 3, nonRetryableErrorTypes: ['captcha_failed'] },
});

// The session is what the waiting verify returns: retry briefly (database hiccups), then let the
// person retry the same code. Not a local activity, although that would save the activity task's
// trip through the server: a local activity runs before the workflow task that accepted the verify
// is recorded. Under load the server aborted such a task's updates ("workflow update was aborted"),
// the clients retried, another verify won, and the first had already stored a session nobody
// received. An activity is scheduled only by a recorded task, so only the winner writes a session.
const { createSessionActivity } = proxyActivities<Activities>({
  startToCloseTimeout: '5s',
  scheduleToCloseTimeout: '15s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '2s', nonRetryableErrorTypes: ['session_conflict'] },
});

/**
 * Checks a Turnstile token.
 *
 * @param check - the token and the client's IP
 * @param idempotencyKey - a UUID naming this check (siteverify accepts retries with it)
 * @throws ApplicationFailure `captcha_failed` when rejected, `unavailable` when siteverify did not answer
 */
export async function turnstileCheck(check: TurnstileCheck, idempotencyKey: string): Promise<void> {
  try {
    await verifyTurnstileActivity({ token: check.token, remoteIp: check.remoteIp, idempotencyKey });
  } catch (error) {
    if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === 'captcha_failed') {
      throw ApplicationFailure.create({ type: 'captcha_failed', message: 'The captcha check failed', nonRetryable: true });
    }
    log.warn('turnstile check did not complete', { error: String(error) });
    throw unavailableFailure('The captcha service is not answering; try again shortly');
  }
}

/**
 * Mails a code, retrying with backoff for as long as the code lives (a mail
 * that arrives after the code died is useless). Never throws: a mail that
 * cannot be sent is logged, and the person asks for a new code.
 *
 * @param mail - recipient, workflow and challenge (the activity derives the code)
 * @param expiresAt - when the code dies (epoch ms)
 */
export async function sendCodeMail(mail: SendOtpEmailInput, expiresAt: number): Promise<void> {
  const { sendOtpEmailActivity } = proxyActivities<Activities>({
    startToCloseTimeout: '15s',
    scheduleToCloseTimeout: Math.max(1_000, expiresAt - Date.now()),
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', nonRetryableErrorTypes: ['email_rejected'] },
  });
  try {
    await sendOtpEmailActivity(mail);
  } catch (error) {
    log.error('sign-in code mail not sent', { challengeId: mail.challengeId, error: String(error) });
  }
}

/**
 * Creates the user (first sign-in) and the session.
 *
 * @param input - email, session id, token hash and expiry
 * @returns the user
 */
export function startSession(input: CreateSessionInput): Promise<CreateSessionResult> {
  return createSessionActivity(input);
}
