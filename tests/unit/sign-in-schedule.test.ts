import { describe, expect, it } from 'vitest';
import type { Challenge, SignInState } from '../../src/shared/sign-in.js';
import { checkCode, expireCode, initialState, issueCode, settleVerification } from '../../src/workflows/sign-in-rules.js';
import { completesAt, constantTimeEqual, nextWakeUp } from '../../src/workflows/sign-in-schedule.js';
import { DAY, HOUR, MINUTE, POLICY, SECOND, T0, challengeOf, failuresFrom, stateOf } from '../helpers/sign-in-state.js';

const expiresAt = T0 + 10 * MINUTE;
/** 100 failures in the minute after T0 + 2 h: locked out until T0 + 2 h + 24 h. */
const lateFailures = failuresFrom(100, T0 + 2 * HOUR, 1);

describe('completesAt', () => {
  it.each<[string, SignInState, number]>([
    ['a fresh state', initialState(T0), T0 + DAY],
    ['a live code dying before the retention ends', stateOf({ challenge: challengeOf({ expiresAt }) }), T0 + DAY],
    ['a live code outliving the retention', stateOf({ challenge: challengeOf({ expiresAt: T0 + 2 * DAY }) }), T0 + 2 * DAY],
    ['a code being verified past the retention', stateOf({ challenge: challengeOf({ expiresAt: T0 + 2 * DAY, status: 'verifying' }) }), T0 + 2 * DAY],
    ['a used code, whatever its expiry', stateOf({ challenge: challengeOf({ expiresAt: T0 + 2 * DAY, status: 'used' }) }), T0 + DAY],
    ['a locked code, whatever its expiry', stateOf({ challenge: challengeOf({ expiresAt: T0 + 2 * DAY, status: 'locked' }) }), T0 + DAY],
    ['a cooldown longer than the retention', stateOf({ resendAvailableAt: T0 + DAY + HOUR }), T0 + DAY + HOUR],
    ['a lock-out longer than the retention', stateOf({ failedChecks: lateFailures }), T0 + 2 * HOUR + DAY],
  ])('for %s is the latest deadline', (_label, state, expected) => {
    expect(completesAt(state, T0)).toBe(expected);
  });

  it('keeps every failure for its whole window', () => {
    let state = issueCode(initialState(T0), T0, { challengeId: 'c', codeMac: 'right', policy: POLICY }).state;
    state = checkCode(state, T0 + MINUTE, 'wrong', constantTimeEqual).state;
    expect(completesAt(state, T0 + MINUTE)).toBeGreaterThanOrEqual(T0 + MINUTE + DAY);
  });
});

describe('nextWakeUp', () => {
  const issued = issueCode(initialState(T0), T0, { challengeId: 'c', codeMac: 'right', policy: POLICY }).state;

  it('wakes at the expiry of a live code', () => {
    expect(nextWakeUp(issued, T0)).toBe(expiresAt);
    expect(nextWakeUp(issued, expiresAt - 1)).toBe(expiresAt);
  });

  it('does not ask to wake at once for a live code exactly at its expiry', () => {
    expect(nextWakeUp(issued, expiresAt)).toBe(T0 + DAY);
  });

  it('after the code expired, wakes when the retention ends', () => {
    const expired = expireCode(issued, expiresAt);
    expect(expired.challenge?.status).toBe('expired');
    expect(nextWakeUp(expired, expiresAt)).toBe(expiresAt + DAY);
  });

  it('after the code was used, wakes when the retention ends', () => {
    const verifying = checkCode(issued, T0 + MINUTE, 'right', constantTimeEqual).state;
    const used = settleVerification(verifying, T0 + 2 * MINUTE, 'c', true);
    expect(nextWakeUp(used, T0 + 2 * MINUTE)).toBe(T0 + 2 * MINUTE + DAY);
  });

  it('does not wake at the expiry of a code being verified', () => {
    const verifying = checkCode(issued, T0 + MINUTE, 'right', constantTimeEqual).state;
    expect(nextWakeUp(verifying, T0 + MINUTE)).toBe(T0 + MINUTE + DAY);
  });

  it.each<[string, Partial<SignInState>, number]>([
    ['a cooldown longer than the retention', { resendAvailableAt: T0 + 2 * DAY }, T0 + 2 * DAY],
    ['a lock-out longer than the retention', { failedChecks: lateFailures }, T0 + 2 * HOUR + DAY],
  ])('with %s wakes when it ends', (_label, overrides, expected) => {
    const state = stateOf({ challenge: challengeOf({ status: 'locked' }), ...overrides });
    expect(nextWakeUp(state, T0 + HOUR)).toBe(expected);
    expect(nextWakeUp(state, expected - 1)).toBe(expected);
    expect(nextWakeUp(state, expected)).toBeUndefined();
  });

  it.each<[string, Challenge | undefined]>([
    ['no code', undefined],
    ['an expired code', challengeOf({ status: 'expired' })],
    ['a used code', challengeOf({ status: 'used' })],
    ['a locked code', challengeOf({ status: 'locked' })],
  ])('with %s, returns undefined once everything ran out', (_label, challenge) => {
    const state = stateOf({ challenge, resendAvailableAt: T0 + MINUTE, failedChecks: [T0 - HOUR] });
    expect(nextWakeUp(state, T0 + DAY - 1)).toBe(T0 + DAY);
    expect(nextWakeUp(state, T0 + DAY)).toBeUndefined();
    expect(nextWakeUp(state, T0 + 2 * DAY)).toBeUndefined();
  });

  it('never returns a time in the past', () => {
    for (const now of [T0, expiresAt - SECOND, expiresAt, T0 + HOUR, T0 + DAY - 1]) {
      const wake = nextWakeUp(expireCode(issued, now), now);
      expect(wake).toBeGreaterThan(now);
    }
  });
});

describe('constantTimeEqual', () => {
  it.each([
    ['equal strings', 'abc', 'abc', true],
    ['two empty strings', '', '', true],
    ['a long equal MAC', 'x'.repeat(43), 'x'.repeat(43), true],
    ['different strings of one length', 'abc', 'abd', false],
    ['a difference in the first character', 'xbc', 'abc', false],
    ['different lengths', 'abc', 'abcdef', false],
    ['a prefix', 'abc', 'ab', false],
    ['an empty and a non-empty string', '', 'a', false],
    ['a trailing NUL', 'a\u0000', 'a', false],
    ['case', 'ABC', 'abc', false],
  ])('%s: %s vs %s gives %s', (_label, a, b, expected) => {
    expect(constantTimeEqual(a, b)).toBe(expected);
    expect(constantTimeEqual(b, a)).toBe(expected);
  });
});
