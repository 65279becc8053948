import type { Challenge, CodePolicy, SignInState } from '../../src/shared/sign-in.js';

/** Builders for the pure sign-in rules' unit tests. Times are epoch milliseconds. */

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
/** Written out rather than imported, so the tests also pin the window's length. */
export const DAY = 24 * HOUR;

/** A fixed "now": 2025-01-01T12:00:00.000Z. */
export const T0 = Date.UTC(2025, 0, 1, 12);

/** The contract's defaults: OTP_TTL_SECONDS=600, OTP_MAX_ATTEMPTS=5, OTP_RESEND_COOLDOWN_SECONDS=60. */
export const POLICY: CodePolicy = { ttlSeconds: 600, maxAttempts: 5, resendCooldownSeconds: 60 };

export const RIGHT_MAC = 'mac-of-the-right-code';
export const WRONG_MAC = 'mac-of-a-wrong-code';

/**
 * A live code issued at {@link T0} with the default policy.
 *
 * @param overrides - fields to change
 * @returns the challenge
 */
export function challengeOf(overrides: Partial<Challenge> = {}): Challenge {
  return { id: 'challenge-1', codeMac: RIGHT_MAC, issuedAt: T0, expiresAt: T0 + 10 * MINUTE, attemptsRemaining: 5, status: 'live', ...overrides };
}

/**
 * A state without a code, last changed at {@link T0}.
 *
 * @param overrides - fields to change
 * @returns the state
 */
export function stateOf(overrides: Partial<SignInState> = {}): SignInState {
  return { challenge: undefined, resendAvailableAt: 0, failedChecks: [], updatedAt: T0, ...overrides };
}

/**
 * Evenly spaced failure times, oldest first.
 *
 * @param count - how many
 * @param start - time of the first
 * @param step - gap between two
 * @returns the times
 */
export function failuresFrom(count: number, start: number, step: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i * step);
}
