import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FAILED_CHECKS } from '../../src/shared/sign-in.js';
import { startSignInStack, type SignInStack } from '../helpers/sign-in-stack.js';

// A hundred attempts per code, so the rolling 24-hour allowance is what stops the caller.
let stack: SignInStack;
beforeAll(async () => {
  stack = await startSignInStack({ env: { OTP_RESEND_COOLDOWN_SECONDS: '0', OTP_MAX_ATTEMPTS: '1000' } });
});
afterAll(() => stack.stop());

const post = (url: string, payload: object) => stack.app.inject({ method: 'POST', url, payload });

/** A workflow's history as JSON with every payload's `data` (base64 there) decoded to text. */
async function historyText(workflowId: string): Promise<string> {
  const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  return JSON.stringify(history, (key, value: unknown) => {
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    if (key === 'data' && typeof value === 'string') return Buffer.from(value, 'base64').toString('utf8');
    return value;
  });
}

describe('secrets and races', () => {
  it('gives exactly one 200 for 12 concurrent verifies of one code, 410 for the rest', async () => {
    expect((await post('/auth/sign-in', { email: 'race@example.com' })).statusCode).toBe(202);
    const code = await stack.smtp.codeFor('race@example.com');
    const results = await Promise.all(Array.from({ length: 12 }, () => post('/auth/verify', { email: 'race@example.com', code })));
    const statuses = results.map((res) => res.statusCode).sort();
    expect(statuses).toEqual([200, ...Array<number>(11).fill(410)]);
    for (const res of results.filter((r) => r.statusCode === 410)) {
      expect(res.json()).toMatchObject({ error: { code: 'no_active_code' } });
    }
    const sessions = await stack.database.db.selectFrom('sessions').innerJoin('users', 'users.id', 'sessions.user_id').where('users.email', '=', 'race@example.com').select('sessions.id').execute();
    expect(sessions).toHaveLength(1);
    // Only an accepted verify may write a session: the write is an activity the accepting workflow
    // task schedules, never a local activity (one runs before its acceptance is recorded).
    const events = (await stack.client.workflow.getHandle(stack.workflowIdOf('race@example.com')).fetchHistory()).events ?? [];
    const scheduled = events.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'createSessionActivity');
    expect(scheduled).toHaveLength(1);
    expect(events.filter((event) => event.markerRecordedEventAttributes?.markerName === 'core_local_activity')).toEqual([]);
  });

  it('keeps codes and tokens out of every workflow history, every log line and the database', async () => {
    const secrets: string[] = [];
    for (const email of ['scan-a@example.com', 'scan-b@example.com']) {
      expect((await post('/auth/sign-in', { email })).statusCode).toBe(202);
      const code = await stack.smtp.codeFor(email);
      const bad = await post('/auth/verify', { email, code: String((Number(code) + 7) % 1_000_000).padStart(6, '0') });
      expect(bad.statusCode).toBe(401);
      const res = await post('/auth/verify', { email, code });
      expect(res.statusCode).toBe(200);
      secrets.push(code, res.json<{ token: string }>().token);
    }
    const ids: string[] = [];
    for await (const execution of stack.client.workflow.list({ query: `WorkflowType = 'signInWorkflow'` })) ids.push(execution.workflowId);
    expect(ids).toEqual(expect.arrayContaining([stack.workflowIdOf('scan-a@example.com'), stack.workflowIdOf('scan-b@example.com')]));
    const histories = await Promise.all(ids.map(historyText));
    // The scan can see payloads: the email is there in the clear, the secrets are not.
    expect(histories.join('\n')).toContain('scan-a@example.com');
    const logs = stack.logs.join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      for (const text of histories) expect(text).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    const db = stack.database.db;
    const rows = JSON.stringify([
      await db.selectFrom('users').selectAll().execute(),
      await db.selectFrom('sessions').selectAll().execute(),
      await db.selectFrom('email_deliveries').selectAll().execute(),
    ]);
    expect(rows).toContain('scan-a@example.com');
    for (const secret of secrets) expect(rows).not.toContain(secret);
    // Workflow ids never show the address.
    for (const id of ids) expect(id).not.toContain('@');
  });

  it(`locks an email out after ${MAX_FAILED_CHECKS} wrong codes: sign-in answers 429 with Retry-After of about a day`, async () => {
    const email = 'mallory@example.com';
    expect((await post('/auth/sign-in', { email })).statusCode).toBe(202);
    const code = await stack.smtp.codeFor(email);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const last: number[] = [];
    for (let i = 0; i < MAX_FAILED_CHECKS; i += 1) {
      const res = await post('/auth/verify', { email, code: wrong });
      expect(res.statusCode).toBe(401);
      last.push(res.json<{ error: { attemptsRemaining: number } }>().error.attemptsRemaining);
    }
    expect(last.at(-1)).toBe(0);
    const locked = await post('/auth/verify', { email, code });
    expect(locked.statusCode).toBe(410);
    expect(locked.json()).toMatchObject({ error: { code: 'too_many_attempts' } });
    const refused = await post('/auth/sign-in', { email });
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: { code: 'too_many_requests' } });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(86_300);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    // Another email is not affected.
    expect((await post('/auth/sign-in', { email: 'not-mallory@example.com' })).statusCode).toBe(202);
  });
});

