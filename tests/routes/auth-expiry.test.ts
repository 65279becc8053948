import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignInStack, type SignInStack } from '../helpers/sign-in-stack.js';

// Two-second codes and sessions (the contract: small TTLs such as 2 are valid).
let stack: SignInStack;
beforeAll(async () => {
  stack = await startSignInStack({ env: { OTP_TTL_SECONDS: '2', SESSION_TTL_SECONDS: '2', OTP_RESEND_COOLDOWN_SECONDS: '0' } });
});
afterAll(() => stack.stop());

const post = (url: string, payload: object) => stack.app.inject({ method: 'POST', url, payload });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('lifetimes', () => {
  it('expires a code after OTP_TTL_SECONDS: 410 code_expired, and a new code works', async () => {
    expect((await post('/auth/sign-in', { email: 'gina@example.com' })).statusCode).toBe(202);
    const code = await stack.smtp.codeFor('gina@example.com');
    await sleep(2_500);
    const expired = await post('/auth/verify', { email: 'gina@example.com', code });
    expect(expired.statusCode).toBe(410);
    expect(expired.json()).toMatchObject({ error: { code: 'code_expired' } });
    // The durable timer has marked it expired in the workflow state as well.
    const state = await stack.client.workflow.getHandle(stack.workflowIdOf('gina@example.com')).query<{ challenge: { status: string } }>('signInState');
    expect(state.challenge.status).toBe('expired');

    expect((await post('/auth/sign-in', { email: 'gina@example.com' })).statusCode).toBe(202);
    const fresh = await stack.smtp.codeFor('gina@example.com');
    expect((await post('/auth/verify', { email: 'gina@example.com', code: fresh })).statusCode).toBe(200);
  });

  it('ends a session after SESSION_TTL_SECONDS: /auth/me answers 401', async () => {
    expect((await post('/auth/sign-in', { email: 'hank@example.com' })).statusCode).toBe(202);
    const code = await stack.smtp.codeFor('hank@example.com');
    const { token } = (await post('/auth/verify', { email: 'hank@example.com', code })).json<{ token: string }>();
    const headers = { authorization: `Bearer ${token}` };
    expect((await stack.app.inject({ method: 'GET', url: '/auth/me', headers })).statusCode).toBe(200);
    await sleep(2_200);
    expect((await stack.app.inject({ method: 'GET', url: '/auth/me', headers })).statusCode).toBe(401);
  });
});
