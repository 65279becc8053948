import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByEmail } from '../../src/db/users-repository.js';
import { startSignInStack, type SignInStack } from '../helpers/sign-in-stack.js';

// The last test stops Temporal.
let stack: SignInStack;
beforeAll(async () => {
  stack = await startSignInStack();
});
afterAll(() => stack.stop());

const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
  stack.app.inject({ method: 'POST', url, payload, headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Requests a code and reads it from the mail the SMTP receiver got. */
async function requestCode(email: string): Promise<string> {
  const res = await post('/auth/sign-in', { email });
  expect(res.statusCode).toBe(202);
  return stack.smtp.codeFor(email.trim().toLowerCase());
}

describe('passwordless sign-in, end to end through the app', () => {
  it('mails a code, trades it for a session, shows the user and signs out', async () => {
    const before = Date.now();
    const res = await post('/auth/sign-in', { email: '  Alice@Example.COM ' });
    expect(res.statusCode).toBe(202);
    const body = res.json<{ status: string; expiresAt: string; resendAvailableAt: string }>();
    expect(body.status).toBe('code_sent');
    expect(Object.keys(body).sort()).toEqual(['expiresAt', 'resendAvailableAt', 'status']);
    const expiresIn = Date.parse(body.expiresAt) - before;
    expect(expiresIn).toBeGreaterThan(595_000);
    expect(expiresIn).toBeLessThan(615_000);
    const resendIn = Date.parse(body.resendAvailableAt) - before;
    expect(resendIn).toBeGreaterThan(55_000);
    expect(resendIn).toBeLessThan(75_000);

    const code = await stack.smtp.codeFor('alice@example.com');
    const mail = stack.smtp.messages.find((m) => m.to.includes('alice@example.com'));
    expect(mail?.from).toContain('no-reply@localhost');
    expect(mail?.text.match(/\b\d{6}\b/g)).toEqual([code]);

    expect(await findUserByEmail(stack.database.db, 'alice@example.com')).toBeUndefined();
    const verified = await post('/auth/verify', { email: 'ALICE@example.com', code });
    expect(verified.statusCode).toBe(200);
    expect(verified.headers['cache-control']).toBe('no-store');
    const session = verified.json<{ token: string; tokenType: string; expiresAt: string; user: { id: string; email: string } }>();
    expect(session.tokenType).toBe('Bearer');
    expect(session.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.user.email).toBe('alice@example.com');
    expect(session.user.id).toMatch(/^[0-9a-f-]{36}$/);
    const sessionTtl = Date.parse(session.expiresAt) - before;
    expect(sessionTtl).toBeGreaterThan(604_790_000);
    expect(sessionTtl).toBeLessThan(604_830_000);
    expect((await findUserByEmail(stack.database.db, 'alice@example.com'))?.id).toBe(session.user.id);

    const me = await stack.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(session.token) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ user: session.user, session: { expiresAt: session.expiresAt } });

    const out = await post('/auth/sign-out', {}, bearer(session.token));
    expect(out.statusCode).toBe(204);
    expect(out.body).toBe('');
    const after = await stack.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(session.token) });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await post('/auth/sign-out', {}, bearer(session.token))).statusCode).toBe(401);
  });

  it('accepts a code once: a second verify of it answers 410 no_active_code', async () => {
    const code = await requestCode('once@example.com');
    expect((await post('/auth/verify', { email: 'once@example.com', code })).statusCode).toBe(200);
    const again = await post('/auth/verify', { email: 'once@example.com', code });
    expect(again.statusCode).toBe(410);
    expect(again.json()).toMatchObject({ error: { code: 'no_active_code' } });
  });

  it('answers 410 no_active_code for an email that never asked for a code', async () => {
    const res = await post('/auth/verify', { email: 'never@example.com', code: '123456' });
    expect(res.statusCode).toBe(410);
    expect(res.json()).toMatchObject({ error: { code: 'no_active_code' } });
  });

  it('answers 429 with Retry-After while the resend cooldown runs', async () => {
    await requestCode('carol@example.com');
    const res = await post('/auth/sign-in', { email: 'carol@example.com' });
    expect(res.statusCode).toBe(429);
    expect(res.json()).toMatchObject({ error: { code: 'too_many_requests' } });
    expect(res.json<{ error: object }>().error).not.toHaveProperty('retryAfterSeconds');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(55);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('answers 503 unavailable within 5 s when Temporal is down; sessions still answer from the database', async () => {
    expect((await post('/auth/sign-in', { email: 'ivan@example.com' })).statusCode).toBe(202);
    const code = await stack.smtp.codeFor('ivan@example.com');
    const { token } = (await post('/auth/verify', { email: 'ivan@example.com', code })).json<{ token: string }>();
    await stack.stopTemporal();
    for (const [url, payload] of [['/auth/sign-in', { email: 'ivan@example.com' }], ['/auth/verify', { email: 'ivan@example.com', code: '000000' }]] as const) {
      const started = Date.now();
      const res = await post(url, payload);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ error: { code: 'unavailable' } });
    }
    const me = await stack.app.inject({ method: 'GET', url: '/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.statusCode).toBe(200);
  });
});
