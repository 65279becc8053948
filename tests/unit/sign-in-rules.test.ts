import { describe, expect, it } from 'vitest';
import { FAILED_CHECK_WINDOW_MS, MAX_FAILED_CHECKS, STATE_RETENTION_MS } from '../../src/shared/sign-in.js';
import { expireCode, initialState, issueCode, lockoutEndsAt, recentFailures, refuseCodeRequest } from '../../src/workflows/sign-in-rules.js';
import { DAY, HOUR, MINUTE, POLICY, SECOND, T0, challengeOf, failuresFrom, stateOf } from '../helpers/sign-in-state.js';

describe('sign-in limits', () => {
  it('allow 100 failed checks per rolling 24 h and keep state at least that long', () => {
    expect(MAX_FAILED_CHECKS).toBe(100);
    expect(FAILED_CHECK_WINDOW_MS).toBe(DAY);
    expect(STATE_RETENTION_MS).toBeGreaterThanOrEqual(FAILED_CHECK_WINDOW_MS);
  });
});

describe('initialState', () => {
  it('has no code, no cooldown, no failures, and is stamped with now', () => {
    expect(initialState(T0)).toEqual({ challenge: undefined, resendAvailableAt: 0, failedChecks: [], updatedAt: T0 });
  });

  it('lets a code be requested at once', () => {
    expect(refuseCodeRequest(initialState(T0), T0)).toBeUndefined();
  });
});

describe('recentFailures', () => {
  it.each([
    ['just now', 0, true],
    ['1 ms old', 1, true],
    ['1 ms short of 24 h old', DAY - 1, true],
    ['exactly 24 h old', DAY, false],
    ['older than 24 h', DAY + 1, false],
  ])('a failure %s is kept: %s', (_label, age, kept) => {
    expect(recentFailures([T0 - age], T0)).toEqual(kept ? [T0 - age] : []);
  });

  it('drops only the expired failures, keeps the order, and leaves its input alone', () => {
    const failures = [T0 - 2 * DAY, T0 - DAY, T0 - DAY + 1, T0 - HOUR, T0];
    expect(recentFailures(failures, T0)).toEqual([T0 - DAY + 1, T0 - HOUR, T0]);
    expect(failures).toHaveLength(5);
  });
});

describe('lockoutEndsAt', () => {
  it.each([
    [0, undefined],
    [99, undefined],
    [100, T0 + DAY],
    [101, T0 + SECOND + DAY],
  ])('with %i failures one second apart ends at %s', (count, expected) => {
    const state = stateOf({ failedChecks: failuresFrom(count, T0, SECOND) });
    expect(lockoutEndsAt(state, T0 + count * SECOND)).toBe(expected);
  });

  it('ignores failures that left the window', () => {
    const failedChecks = [...failuresFrom(50, T0 - DAY - HOUR, SECOND), ...failuresFrom(99, T0, SECOND)];
    expect(lockoutEndsAt(stateOf({ failedChecks }), T0 + 99 * SECOND)).toBeUndefined();
  });

  it('with 150 failures over 25 h ends when fewer than 100 remain in the window', () => {
    const failedChecks = failuresFrom(150, T0, 10 * MINUTE);
    const now = T0 + 149 * 10 * MINUTE;
    expect(recentFailures(failedChecks, now)).toHaveLength(144);
    const end = lockoutEndsAt(stateOf({ failedChecks }), now);
    // 144 recent failures: the 45th oldest of them (the 51st overall, at 500 min) must leave.
    expect(end).toBe(T0 + 500 * MINUTE + DAY);
    expect(recentFailures(failedChecks, (end ?? 0) - 1)).toHaveLength(MAX_FAILED_CHECKS);
    expect(lockoutEndsAt(stateOf({ failedChecks }), (end ?? 0) - 1)).toBe(end);
    expect(recentFailures(failedChecks, end ?? 0)).toHaveLength(MAX_FAILED_CHECKS - 1);
    expect(lockoutEndsAt(stateOf({ failedChecks }), end ?? 0)).toBeUndefined();
  });
});

describe('refuseCodeRequest', () => {
  const cooling = stateOf({ resendAvailableAt: T0 + 60 * SECOND });

  it.each([
    ['at the start of the cooldown', 0, 60],
    ['0.5 s in (rounds 59.5 up)', 500, 60],
    ['half way (rounds 30.5 up)', 29_500, 31],
    ['with 1 ms left (rounds up to 1)', 59_999, 1],
  ])('refuses %s with Retry-After %i s', (_label, elapsed, retryAfterSeconds) => {
    const refusal = refuseCodeRequest(cooling, T0 + elapsed);
    expect(refusal).toMatchObject({ code: 'too_many_requests', retryAfterSeconds });
    expect(refusal?.message).toContain(`${retryAfterSeconds} s`);
  });

  it.each([
    ['exactly when the cooldown ends', 60 * SECOND],
    ['after the cooldown', 61 * SECOND],
  ])('allows a request %s', (_label, elapsed) => {
    expect(refuseCodeRequest(cooling, T0 + elapsed)).toBeUndefined();
  });

  it('puts the lock-out before the cooldown', () => {
    const failedChecks = failuresFrom(100, T0 - HOUR, SECOND);
    const refusal = refuseCodeRequest({ ...cooling, failedChecks }, T0);
    expect(refusal).toMatchObject({ code: 'too_many_requests', retryAfterSeconds: (DAY - HOUR) / SECOND });
    expect(refusal?.message).toMatch(/wrong codes/);
  });

  it('names the cooldown end in Retry-After when it outlasts the lock-out', () => {
    const failedChecks = failuresFrom(100, T0 - DAY + HOUR, SECOND);
    const refusal = refuseCodeRequest(stateOf({ failedChecks, resendAvailableAt: T0 + 2 * DAY }), T0);
    expect(refusal).toMatchObject({ code: 'too_many_requests', retryAfterSeconds: (2 * DAY) / SECOND });
  });

  it('rounds a lock-out Retry-After up to whole seconds, at least 1', () => {
    const failedChecks = failuresFrom(100, T0 - DAY + 1, 1);
    expect(refuseCodeRequest(stateOf({ failedChecks }), T0)).toMatchObject({ retryAfterSeconds: 1 });
    expect(refuseCodeRequest(stateOf({ failedChecks }), T0 + 1)).toBeUndefined();
  });

  it('with a cooldown of 0 allows the next code at once', () => {
    const { state } = issueCode(initialState(T0), T0, { challengeId: 'a', codeMac: 'm', policy: { ...POLICY, resendCooldownSeconds: 0 } });
    expect(refuseCodeRequest(state, T0)).toBeUndefined();
  });

  it('refuses inside a cooldown set by issueCode', () => {
    const { state } = issueCode(initialState(T0), T0, { challengeId: 'a', codeMac: 'm', policy: POLICY });
    expect(refuseCodeRequest(state, T0 + SECOND)).toMatchObject({ code: 'too_many_requests', retryAfterSeconds: 59 });
    expect(refuseCodeRequest(state, T0 + 60 * SECOND)).toBeUndefined();
  });
});

describe('issueCode', () => {
  it.each([
    [POLICY, '2025-01-01T12:10:00.000Z', '2025-01-01T12:01:00.000Z'],
    [{ ttlSeconds: 1, maxAttempts: 1, resendCooldownSeconds: 0 }, '2025-01-01T12:00:01.000Z', '2025-01-01T12:00:00.000Z'],
    [{ ttlSeconds: 3600, maxAttempts: 10, resendCooldownSeconds: 120 }, '2025-01-01T13:00:00.000Z', '2025-01-01T12:02:00.000Z'],
  ])('with %o answers expiresAt %s and resendAvailableAt %s', (policy, expiresAt, resendAvailableAt) => {
    const issued = issueCode(initialState(T0 - HOUR), T0, { challengeId: 'c-new', codeMac: 'mac-new', policy });
    expect(issued.result).toEqual({ expiresAt, resendAvailableAt });
    expect(issued.state.challenge).toEqual({
      id: 'c-new',
      codeMac: 'mac-new',
      issuedAt: T0,
      expiresAt: Date.parse(expiresAt),
      attemptsRemaining: policy.maxAttempts,
      status: 'live',
    });
    expect(issued.state.resendAvailableAt).toBe(Date.parse(resendAvailableAt));
    expect(issued.state.updatedAt).toBe(T0);
  });

  it.each(['live', 'verifying', 'locked', 'expired', 'used'] as const)('replaces an earlier %s code', (status) => {
    const before = stateOf({ challenge: challengeOf({ id: 'c-old', codeMac: 'mac-old', status, attemptsRemaining: 2 }) });
    const { state } = issueCode(before, T0 + MINUTE, { challengeId: 'c-new', codeMac: 'mac-new', policy: POLICY });
    expect(state.challenge).toMatchObject({ id: 'c-new', codeMac: 'mac-new', status: 'live', attemptsRemaining: 5 });
    expect(before.challenge?.id).toBe('c-old');
  });

  it('prunes failures that left the window and keeps the others', () => {
    const before = stateOf({ failedChecks: [T0 - 2 * DAY, T0 - DAY, T0 - DAY + 1, T0 - MINUTE] });
    const { state } = issueCode(before, T0, { challengeId: 'c', codeMac: 'm', policy: POLICY });
    expect(state.failedChecks).toEqual([T0 - DAY + 1, T0 - MINUTE]);
  });
});

describe('expireCode', () => {
  const expiresAt = T0 + 10 * MINUTE;

  it.each([
    ['live', expiresAt, 'expired'],
    ['live', expiresAt + 1, 'expired'],
    ['live', expiresAt + DAY, 'expired'],
  ] as const)('marks a %s code at %i as %s and stamps the change', (status, now, expected) => {
    const next = expireCode(stateOf({ challenge: challengeOf({ status, expiresAt }) }), now);
    expect(next.challenge).toEqual(challengeOf({ status: expected, expiresAt }));
    expect(next.updatedAt).toBe(now);
  });

  it.each([
    ['a live code before its expiry', challengeOf({ expiresAt }), expiresAt - 1],
    ['a verifying code past its expiry', challengeOf({ expiresAt, status: 'verifying' }), expiresAt + 1],
    ['a used code', challengeOf({ expiresAt, status: 'used' }), expiresAt + 1],
    ['a locked code', challengeOf({ expiresAt, status: 'locked' }), expiresAt + 1],
    ['an expired code', challengeOf({ expiresAt, status: 'expired' }), expiresAt + 1],
    ['no code', undefined, expiresAt + 1],
  ])('leaves %s alone', (_label, challenge, now) => {
    const state = stateOf({ challenge });
    expect(expireCode(state, now)).toBe(state);
  });
});
