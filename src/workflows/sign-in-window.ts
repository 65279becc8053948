import { FAILED_CHECK_WINDOW_MS, MAX_FAILED_CHECKS, type SignInState } from '../shared/sign-in.js';

/** The rolling 24-hour allowance of wrong codes per email, as pure functions. */

/**
 * The wrong-code times still inside the rolling window.
 *
 * @param failedChecks - recorded failure times, oldest first
 * @param now - the current time
 * @returns the failures younger than {@link FAILED_CHECK_WINDOW_MS}
 */
export function recentFailures(failedChecks: readonly number[], now: number): number[] {
  return failedChecks.filter((at) => at > now - FAILED_CHECK_WINDOW_MS);
}

/**
 * When the lock-out (too many failures in the window) ends.
 *
 * @param state - the workflow state
 * @param now - the current time
 * @returns the time the count drops below {@link MAX_FAILED_CHECKS}, or undefined when not locked out
 */
export function lockoutEndsAt(state: SignInState, now: number): number | undefined {
  const recent = recentFailures(state.failedChecks, now);
  if (recent.length < MAX_FAILED_CHECKS) return undefined;
  const oldestThatMustExpire = recent[recent.length - MAX_FAILED_CHECKS] ?? now;
  return oldestThatMustExpire + FAILED_CHECK_WINDOW_MS;
}
