import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByEmail } from '../../src/db/users-repository.js';
import { startSignInStack, type SignInStack } from '../helpers/sign-in-stack.js';

// No resend cooldown and three attempts per code, so limits can be walked quickly.
let stack: SignInStack;
beforeAll(async () => {
  stack = await startSignInStack({ env: { OTP_RESEND_COOLDOWN_SECONDS: '0', OTP_MAX_ATTEMPTS: '3' } });
});
afterAll(() => stack.stop());

const post = (url: string, payload: object) => stack.app.inject({ method: 'POST', url, payload });

async function requestCode(email: string): Promise<string> {
  const res = await post('/auth/sign-in', { email });
  expect(res.statusCode).toBe(202);
  return stack.smtp.codeFor(email);
}

const wrong = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('limits of one code', () => {
  it('counts wrong codes down, then locks the code: 401 with attemptsRemaining, then 410 too_many_attempts', async () => {
    const code = await requestCode('dave@example.com');
    const remaining: unknown[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await post('/auth/verify', { email: 'dave@example.com', code: wrong(code) });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'invalid_code' } });
      remaining.push(res.json<{ error: { attemptsRemaining: number } }>().error.attemptsRemaining);
    }
    expect(remaining).toEqual([2, 1, 0]);
    const locked = await post('/auth/verify', { email: 'dave@example.com', code });
    expect(locked.statusCode).toBe(410);
    expect(locked.json()).toMatchObject({ error: { code: 'too_many_attempts' } });
  });

  it('kills the old code when a new one is sent', async () => {
    const oldCode = await requestCode('erin@example.com');
    let newCode = await requestCode('erin@example.com');
    // Two codes may collide by chance (1 in 10^6); ask once more if they do.
    if (newCode === oldCode) newCode = await requestCode('erin@example.com');
    const old = await post('/auth/verify', { email: 'erin@example.com', code: oldCode });
    expect(old.statusCode).toBe(401);
    expect(old.json()).toMatchObject({ error: { code: 'invalid_code', attemptsRemaining: 2 } });
    expect((await post('/auth/verify', { email: 'erin@example.com', code: newCode })).statusCode).toBe(200);
  });

  it('creates the user on the first successful verify only, and keeps it for later sign-ins', async () => {
    const first = await post('/auth/verify', { email: 'frank@example.com', code: await requestCode('frank@example.com') });
    const second = await post('/auth/verify', { email: 'frank@example.com', code: await requestCode('frank@example.com') });
    const a = first.json<{ token: string; user: { id: string } }>();
    const b = second.json<{ token: string; user: { id: string } }>();
    expect(a.user.id).toBe(b.user.id);
    expect(a.token).not.toBe(b.token);
    expect((await findUserByEmail(stack.database.db, 'frank@example.com'))?.id).toBe(a.user.id);
    const rows = await stack.database.db.selectFrom('sessions').select('id').where('user_id', '=', a.user.id).execute();
    expect(rows).toHaveLength(2);
  });

  it('answers an existing and a new email with the same status and body shape (no enumeration)', async () => {
    await post('/auth/verify', { email: 'known@example.com', code: await requestCode('known@example.com') });
    expect(await findUserByEmail(stack.database.db, 'known@example.com')).toBeDefined();
    const existing = await post('/auth/sign-in', { email: 'known@example.com' });
    const fresh = await post('/auth/sign-in', { email: 'unknown@example.com' });
    expect(existing.statusCode).toBe(202);
    expect(fresh.statusCode).toBe(202);
    const shape = (body: Record<string, string>) => ({ status: body.status, keys: Object.keys(body).sort() });
    expect(shape(existing.json())).toEqual(shape(fresh.json()));
    expect(await findUserByEmail(stack.database.db, 'unknown@example.com')).toBeUndefined();
  });
});
