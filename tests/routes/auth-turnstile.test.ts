import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignInStack, type SignInStack } from '../helpers/sign-in-stack.js';

// Turnstile on, pointed at a local fake siteverify (the only fake: a third party's internet service).
let stack: SignInStack;
beforeAll(async () => {
  stack = await startSignInStack({ turnstile: true, env: { OTP_RESEND_COOLDOWN_SECONDS: '0' } });
});
afterAll(() => stack.stop());

const signIn = (payload: object) => stack.app.inject({ method: 'POST', url: '/auth/sign-in', payload, remoteAddress: '203.0.113.7' });
const fake = () => {
  if (stack.turnstile === undefined) throw new Error('turnstile is off');
  return stack.turnstile;
};

describe('Turnstile check', () => {
  it('refuses a missing token with 403 captcha_failed without calling siteverify or sending mail', async () => {
    const before = fake().requests.length;
    for (const payload of [{ email: 'ivy@example.com' }, { email: 'ivy@example.com', turnstileToken: '' }]) {
      const res = await signIn(payload);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'captcha_failed' } });
    }
    expect(fake().requests.length).toBe(before);
  });

  it('refuses a rejected token with 403 captcha_failed and sends no code', async () => {
    const res = await signIn({ email: 'jack@example.com', turnstileToken: 'bogus' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'captcha_failed' } });
    expect(stack.smtp.messages.filter((m) => m.to.includes('jack@example.com'))).toEqual([]);
  });

  it('sends the code for an accepted token, passing secret, response, remoteip and idempotency_key', async () => {
    const res = await signIn({ email: 'kate@example.com', turnstileToken: 'pass-kate' });
    expect(res.statusCode).toBe(202);
    await stack.smtp.codeFor('kate@example.com');
    const request = fake().requests.find((r) => r.response === 'pass-kate');
    expect(request).toMatchObject({ secret: 'test-secret', remoteip: '203.0.113.7' });
    expect(request?.idempotency_key).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('retries internal-error and succeeds when siteverify recovers', async () => {
    const res = await signIn({ email: 'liam@example.com', turnstileToken: 'flaky-1-liam' });
    expect(res.statusCode).toBe(202);
    const calls = fake().requests.filter((r) => r.response === 'flaky-1-liam');
    expect(calls.length).toBe(2);
    expect(new Set(calls.map((c) => c.idempotency_key)).size).toBe(1);
  });

  it('answers 503 unavailable when siteverify keeps failing, within 5 s', async () => {
    const started = Date.now();
    const res = await signIn({ email: 'mia@example.com', turnstileToken: 'internal-error' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: { code: 'unavailable' } });
  });
});
