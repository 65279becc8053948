import type { Refusal } from './refusal.js';
import { lockoutEndsAt, recentFailures } from './sign-in-window.js';
import {
  MAX_FAILED_CHECKS,
  type Challenge,
  type CodePolicy,
  type RequestCodeResult,
  type SignInState,
} from '../shared/sign-in.js';

/**
 * The decisions of `signInWorkflow` as pure functions of (state, time, input):
 * no Temporal API, no I/O, so they are unit-tested directly and the workflow
 * only wires them to handlers and timers. Times are epoch milliseconds.
 */

export { lockoutEndsAt, recentFailures };
export type { Refusal };


/**
 * The state of a workflow that has never issued a code.
 *
 * @param now - the current time
 * @returns an empty state
 */
export function initialState(now: number): SignInState {
  return { challenge: undefined, resendAvailableAt: 0, failedChecks: [], updatedAt: now };
}

function secondsUntil(at: number, now: number): number {
  return Math.max(1, Math.ceil((at - now) / 1000));
}

/**
 * Decides whether a new code may be issued now.
 *
 * @param state - the workflow state
 * @param now - the current time
 * @returns a `too_many_requests` refusal (lock-out or resend cooldown), or undefined to go ahead
 */
export function refuseCodeRequest(state: SignInState, now: number): Refusal | undefined {
  const lockedUntil = lockoutEndsAt(state, now);
  if (lockedUntil !== undefined) {
    // The cooldown may outlast the lock-out (a cooldown of many hours): name the later end.
    const retryAfterSeconds = secondsUntil(Math.max(lockedUntil, state.resendAvailableAt), now);
    return { code: 'too_many_requests', message: `Too many wrong codes for this email; try again in ${retryAfterSeconds} s`, retryAfterSeconds };
  }
  if (now < state.resendAvailableAt) {
    const retryAfterSeconds = secondsUntil(state.resendAvailableAt, now);
    return { code: 'too_many_requests', message: `A code was sent recently; ask again in ${retryAfterSeconds} s`, retryAfterSeconds };
  }
  return undefined;
}

/**
 * Issues a new code, which replaces (kills) any earlier one. Call only after
 * {@link refuseCodeRequest} returned undefined.
 *
 * @param state - the workflow state
 * @param now - the current time
 * @param request - the new code's id, MAC and limits
 * @returns the new state and what the API answers
 */
export function issueCode(
  state: SignInState,
  now: number,
  request: { readonly challengeId: string; readonly codeMac: string; readonly policy: CodePolicy },
): { state: SignInState; result: RequestCodeResult } {
  const challenge: Challenge = {
    id: request.challengeId,
    codeMac: request.codeMac,
    issuedAt: now,
    expiresAt: now + request.policy.ttlSeconds * 1000,
    attemptsRemaining: request.policy.maxAttempts,
    status: 'live',
  };
  const resendAvailableAt = now + request.policy.resendCooldownSeconds * 1000;
  return {
    state: { ...state, challenge, resendAvailableAt, failedChecks: recentFailures(state.failedChecks, now), updatedAt: now },
    result: { expiresAt: new Date(challenge.expiresAt).toISOString(), resendAvailableAt: new Date(resendAvailableAt).toISOString() },
  };
}

/**
 * Marks a live code whose lifetime has passed as expired.
 *
 * @param state - the workflow state
 * @param now - the current time
 * @returns the state, with the code expired when due
 */
export function expireCode(state: SignInState, now: number): SignInState {
  const { challenge } = state;
  if (challenge?.status !== 'live' || now < challenge.expiresAt) return state;
  return { ...state, challenge: { ...challenge, status: 'expired' }, updatedAt: now };
}

/**
 * Decides whether a submitted code can be checked at all. A code being
 * verified by a concurrent request passes (the handler waits for that outcome).
 *
 * @param state - the workflow state
 * @param now - the current time
 * @returns a `410` refusal when no live code exists, else undefined
 */
export function refuseVerification(state: SignInState, now: number): Refusal | undefined {
  const { challenge } = state;
  if (challenge === undefined || challenge.status === 'used') {
    return { code: 'no_active_code', message: 'No active code for this email; ask for a new one' };
  }
  if (challenge.status === 'locked') {
    return { code: 'too_many_attempts', message: 'Too many wrong codes; ask for a new one' };
  }
  if (challenge.status === 'expired' || (challenge.status === 'live' && now >= challenge.expiresAt)) {
    return { code: 'code_expired', message: 'The code has expired; ask for a new one' };
  }
  return undefined;
}

/** Outcome of {@link checkCode}. */
export type CheckOutcome =
  | { readonly kind: 'accepted'; readonly challengeId: string }
  | { readonly kind: 'rejected'; readonly refusal: Refusal };

/**
 * Checks a submitted code against the live one. A right code moves to
 * `verifying` (no second request can use it); a wrong one costs an attempt,
 * is recorded for the rolling window, and locks the code when attempts or the
 * window's allowance run out. Call only after {@link refuseVerification}
 * returned undefined and the code is `live`.
 *
 * @param state - the workflow state
 * @param now - the current time
 * @param codeMac - MAC of the submitted code
 * @param equal - constant-time string comparison
 * @returns the new state and the outcome
 */
export function checkCode(
  state: SignInState,
  now: number,
  codeMac: string,
  equal: (a: string, b: string) => boolean,
): { state: SignInState; outcome: CheckOutcome } {
  const challenge = state.challenge;
  if (challenge?.status !== 'live') throw new Error('checkCode needs a live code');
  if (equal(codeMac, challenge.codeMac)) {
    return {
      state: { ...state, challenge: { ...challenge, status: 'verifying' }, updatedAt: now },
      outcome: { kind: 'accepted', challengeId: challenge.id },
    };
  }
  const failedChecks = [...recentFailures(state.failedChecks, now), now];
  const attemptsRemaining = Math.max(0, challenge.attemptsRemaining - 1);
  const lockedOut = failedChecks.length >= MAX_FAILED_CHECKS;
  const status = attemptsRemaining === 0 || lockedOut ? 'locked' : 'live';
  const left = status === 'locked' ? 0 : attemptsRemaining;
  return {
    state: { ...state, challenge: { ...challenge, attemptsRemaining: left, status }, failedChecks, updatedAt: now },
    outcome: { kind: 'rejected', refusal: { code: 'invalid_code', message: 'Wrong code', extra: { attemptsRemaining: left } } },
  };
}

/**
 * Settles a code that was `verifying`: used on success, live again when the
 * session could not be created (so the person can retry the same code).
 *
 * @param state - the workflow state
 * @param now - the current time
 * @param challengeId - the code that was being verified
 * @param succeeded - whether the session was created
 * @returns the new state (unchanged when that code was replaced meanwhile)
 */
export function settleVerification(state: SignInState, now: number, challengeId: string, succeeded: boolean): SignInState {
  const { challenge } = state;
  if (challenge?.id !== challengeId || challenge.status !== 'verifying') return state;
  return { ...state, challenge: { ...challenge, status: succeeded ? 'used' : 'live' }, updatedAt: now };
}
