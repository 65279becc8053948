import { STATE_RETENTION_MS, type SignInState } from '../shared/sign-in.js';
import { lockoutEndsAt } from './sign-in-rules.js';

/**
 * When a quiet sign-in workflow may complete: after the state retention, the
 * resend cooldown and any lock-out have all run out, with no live code.
 *
 * @param state - the workflow state
 * @param now - the current time
 * @returns the completion time (possibly in the past)
 */
export function completesAt(state: SignInState, now: number): number {
  const live = state.challenge?.status === 'live' || state.challenge?.status === 'verifying';
  const times = [state.updatedAt + STATE_RETENTION_MS, state.resendAvailableAt, lockoutEndsAt(state, now) ?? 0];
  if (live && state.challenge !== undefined) times.push(state.challenge.expiresAt);
  return Math.max(...times);
}

/**
 * The next moment the workflow has something to do on its own: expire the
 * live code, or complete.
 *
 * @param state - the workflow state
 * @param now - the current time
 * @returns the wake-up time, or undefined when the workflow may complete now
 */
export function nextWakeUp(state: SignInState, now: number): number | undefined {
  const done = completesAt(state, now);
  const { challenge } = state;
  const expiry = challenge?.status === 'live' && challenge.expiresAt > now ? challenge.expiresAt : undefined;
  if (expiry !== undefined) return Math.min(expiry, done);
  return done > now ? done : undefined;
}

/**
 * Compares two strings in time that depends only on their lengths, so a
 * wrong MAC reveals nothing about how much of it matched. Workflow-safe.
 *
 * @param a - first string
 * @param b - second string
 * @returns true when both are equal
 */
export function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i += 1) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}
