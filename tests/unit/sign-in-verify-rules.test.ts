import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../src/shared/error-codes.js';
import type { Challenge, SignInState } from '../../src/shared/sign-in.js';
import { checkCode, initialState, issueCode, refuseCodeRequest, refuseVerification, settleVerification } from '../../src/workflows/sign-in-rules.js';
import { constantTimeEqual } from '../../src/workflows/sign-in-schedule.js';
import { DAY, HOUR, MINUTE, POLICY, RIGHT_MAC, SECOND, T0, WRONG_MAC, challengeOf, failuresFrom, stateOf } from '../helpers/sign-in-state.js';

const expiresAt = T0 + 10 * MINUTE;

describe('refuseVerification', () => {
  it.each<[string, Challenge | undefined, number, string | undefined]>([
    ['no code was ever requested', undefined, T0, 'no_active_code'],
    ['the code was used', challengeOf({ status: 'used' }), T0 + MINUTE, 'no_active_code'],
    ['the code is locked', challengeOf({ status: 'locked' }), T0 + MINUTE, 'too_many_attempts'],
    ['the code is marked expired', challengeOf({ status: 'expired' }), T0 + MINUTE, 'code_expired'],
    ['a live code is exactly at its expiry', challengeOf({ expiresAt }), expiresAt, 'code_expired'],
    ['a live code is past its expiry', challengeOf({ expiresAt }), expiresAt + DAY, 'code_expired'],
    ['a live code is 1 ms from its expiry', challengeOf({ expiresAt }), expiresAt - 1, undefined],
    ['a live code was just issued', challengeOf({ expiresAt }), T0, undefined],
    ['the code is being verified', challengeOf({ status: 'verifying' }), T0 + MINUTE, undefined],
  ])('when %s answers %s', (_label, challenge, now, code) => {
    const refusal = refuseVerification(stateOf({ challenge }), now);
    expect(refusal?.code).toBe(code);
    if (refusal !== undefined) {
      expect(ERROR_STATUS[refusal.code]).toBe(410);
      expect(refusal.message).toMatch(/ask for a new one/);
    }
  });
});

describe('checkCode', () => {
  const live = (overrides: Partial<Challenge> = {}, failedChecks: number[] = []): SignInState =>
    stateOf({ challenge: challengeOf({ expiresAt, ...overrides }), failedChecks });

  it('accepts the right MAC: the code moves to verifying and nothing is spent', () => {
    const { state, outcome } = checkCode(live(), T0 + MINUTE, RIGHT_MAC, constantTimeEqual);
    expect(outcome).toEqual({ kind: 'accepted', challengeId: 'challenge-1' });
    expect(state.challenge).toEqual(challengeOf({ expiresAt, status: 'verifying' }));
    expect(state.failedChecks).toEqual([]);
    expect(state.updatedAt).toBe(T0 + MINUTE);
    expect(refuseVerification(state, T0 + MINUTE)).toBeUndefined();
    expect(() => checkCode(state, T0 + MINUTE, RIGHT_MAC, constantTimeEqual)).toThrow(/live/);
  });

  it.each([
    [5, 4],
    [4, 3],
    [3, 2],
    [2, 1],
  ])('with %i attempts left, a wrong MAC leaves %i and records the failure', (before, after) => {
    const now = T0 + MINUTE;
    const { state, outcome } = checkCode(live({ attemptsRemaining: before }, [T0]), now, WRONG_MAC, constantTimeEqual);
    expect(outcome).toEqual({ kind: 'rejected', refusal: { code: 'invalid_code', message: 'Wrong code', extra: { attemptsRemaining: after } } });
    expect(ERROR_STATUS.invalid_code).toBe(401);
    expect(state.challenge).toMatchObject({ attemptsRemaining: after, status: 'live' });
    expect(state.failedChecks).toEqual([T0, now]);
    expect(state.updatedAt).toBe(now);
  });

  it('locks the code on the last attempt', () => {
    const { state, outcome } = checkCode(live({ attemptsRemaining: 1 }), T0 + MINUTE, WRONG_MAC, constantTimeEqual);
    expect(outcome).toMatchObject({ kind: 'rejected', refusal: { code: 'invalid_code', extra: { attemptsRemaining: 0 } } });
    expect(state.challenge).toMatchObject({ attemptsRemaining: 0, status: 'locked' });
    expect(refuseVerification(state, T0 + MINUTE)?.code).toBe('too_many_attempts');
  });

  it('locks the code at the 100th failure in the window even with attempts left', () => {
    const { state, outcome } = checkCode(live({}, failuresFrom(99, T0 - HOUR, SECOND)), T0, WRONG_MAC, constantTimeEqual);
    expect(outcome).toMatchObject({ kind: 'rejected', refusal: { extra: { attemptsRemaining: 0 } } });
    expect(state.challenge).toMatchObject({ status: 'locked', attemptsRemaining: 0 });
    expect(state.failedChecks).toHaveLength(100);
    expect(refuseVerification(state, T0)?.code).toBe('too_many_attempts');
  });

  it('does not count failures older than 24 h towards the lock-out, and prunes them', () => {
    const failedChecks = [...failuresFrom(10, T0 - DAY - HOUR, SECOND), ...failuresFrom(89, T0 - HOUR, SECOND)];
    const { state, outcome } = checkCode(live({}, failedChecks), T0, WRONG_MAC, constantTimeEqual);
    expect(outcome).toMatchObject({ refusal: { extra: { attemptsRemaining: 4 } } });
    expect(state.challenge?.status).toBe('live');
    expect(state.failedChecks).toHaveLength(90);
  });

  it('compares with the given function, submitted MAC first', () => {
    const calls: [string, string][] = [];
    const equal = (a: string, b: string): boolean => {
      calls.push([a, b]);
      return true;
    };
    expect(checkCode(live(), T0, WRONG_MAC, equal).outcome.kind).toBe('accepted');
    expect(calls).toEqual([[WRONG_MAC, RIGHT_MAC]]);
  });

  it.each(['verifying', 'used', 'expired', 'locked'] as const)('throws for a %s code', (status) => {
    expect(() => checkCode(live({ status }), T0, RIGHT_MAC, constantTimeEqual)).toThrow('checkCode needs a live code');
  });

  it('throws without a code', () => {
    expect(() => checkCode(stateOf(), T0, RIGHT_MAC, constantTimeEqual)).toThrow('checkCode needs a live code');
  });
});

describe('settleVerification', () => {
  const verifying = stateOf({ challenge: challengeOf({ expiresAt, status: 'verifying' }) });

  it.each([
    [true, 'used', 'no_active_code'],
    [false, 'live', undefined],
  ] as const)('when the session was created: %s, the code becomes %s', (succeeded, status, refusal) => {
    const next = settleVerification(verifying, T0 + MINUTE, 'challenge-1', succeeded);
    expect(next.challenge).toEqual(challengeOf({ expiresAt, status }));
    expect(next.updatedAt).toBe(T0 + MINUTE);
    expect(refuseVerification(next, T0 + MINUTE)?.code).toBe(refusal);
  });

  it('lets the same right code be retried after a failed session', () => {
    const retried = settleVerification(verifying, T0 + MINUTE, 'challenge-1', false);
    expect(checkCode(retried, T0 + MINUTE, RIGHT_MAC, constantTimeEqual).outcome.kind).toBe('accepted');
  });

  it.each<[string, Challenge | undefined]>([
    ['another code replaced it', challengeOf({ id: 'challenge-2', status: 'verifying' })],
    ['the code is live', challengeOf({ status: 'live' })],
    ['the code is already used', challengeOf({ status: 'used' })],
    ['the code is locked', challengeOf({ status: 'locked' })],
    ['there is no code', undefined],
  ])('changes nothing when %s', (_label, challenge) => {
    const state = stateOf({ challenge });
    expect(settleVerification(state, T0 + MINUTE, 'challenge-1', true)).toBe(state);
    expect(settleVerification(state, T0 + MINUTE, 'challenge-1', false)).toBe(state);
  });
});

describe('sign-in sequences', () => {
  const request = (state: SignInState, now: number, challengeId: string, policy = POLICY): SignInState => {
    expect(refuseCodeRequest(state, now)).toBeUndefined();
    return issueCode(state, now, { challengeId, codeMac: `mac-${challengeId}`, policy }).state;
  };
  const verify = (state: SignInState, now: number, codeMac: string) => {
    expect(refuseVerification(state, now)).toBeUndefined();
    return checkCode(state, now, codeMac, constantTimeEqual);
  };

  it('with OTP_MAX_ATTEMPTS=5, five wrong codes leave 4, 3, 2, 1, 0 attempts, then the code is locked', () => {
    let state = request(initialState(T0), T0, 'c1');
    const remaining: unknown[] = [];
    for (let i = 1; i <= 5; i += 1) {
      const checked = verify(state, T0 + i * SECOND, WRONG_MAC);
      state = checked.state;
      if (checked.outcome.kind === 'rejected') remaining.push(checked.outcome.refusal.extra?.attemptsRemaining);
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    expect(refuseVerification(state, T0 + 6 * SECOND)?.code).toBe('too_many_attempts');
  });

  it('a right code works once', () => {
    const checked = verify(request(initialState(T0), T0, 'c1'), T0 + SECOND, 'mac-c1');
    const used = settleVerification(checked.state, T0 + 2 * SECOND, 'c1', true);
    expect(refuseVerification(used, T0 + 3 * SECOND)?.code).toBe('no_active_code');
  });

  it('a new code kills the old one: the old code no longer matches', () => {
    const state = request(request(initialState(T0), T0, 'old'), T0 + MINUTE, 'new');
    expect(verify(state, T0 + 2 * MINUTE, 'mac-old').outcome.kind).toBe('rejected');
    expect(verify(state, T0 + 2 * MINUTE, 'mac-new').outcome).toEqual({ kind: 'accepted', challengeId: 'new' });
  });

  it('100 failures across 20 codes (cooldown 0) lock requests until the oldest failure leaves the window', () => {
    const policy = { ...POLICY, resendCooldownSeconds: 0 };
    let state = initialState(T0);
    let now = T0;
    for (let code = 0; code < 20; code += 1) {
      state = request(state, now, `c${code}`, policy);
      for (let attempt = 0; attempt < 5; attempt += 1) {
        now += SECOND;
        state = verify(state, now, WRONG_MAC).state;
      }
    }
    expect(state.failedChecks).toHaveLength(100);
    expect(state.challenge?.status).toBe('locked');
    const firstFailure = T0 + SECOND;
    expect(refuseCodeRequest(state, now)).toMatchObject({ code: 'too_many_requests', retryAfterSeconds: (firstFailure + DAY - now) / SECOND });
    expect(refuseCodeRequest(state, firstFailure + DAY - 1)).toMatchObject({ code: 'too_many_requests', retryAfterSeconds: 1 });
    expect(refuseCodeRequest(state, firstFailure + DAY)).toBeUndefined();
  });
});
