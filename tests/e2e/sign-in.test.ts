import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeTurnstile, type FakeTurnstile } from '../helpers/fake-turnstile.js';
import { pickPorts, startStack, type RunningStack, type StackPorts } from '../helpers/npm-start.js';
import { killTree, waitFor } from '../helpers/processes.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver.js';

let smtp: SmtpReceiver;
let turnstile: FakeTurnstile;
let stack: RunningStack | undefined;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  turnstile = await startFakeTurnstile();
});
afterAll(async () => {
  if (stack !== undefined) killTree(stack.pid);
  await smtp.close();
  await turnstile.close();
});

async function start(dataDir: string, ports: StackPorts): Promise<RunningStack> {
  stack = await startStack(dataDir, ports, { SMTP_URL: smtp.url, TURNSTILE_SECRET_KEY: 'e2e-secret', TURNSTILE_VERIFY_URL: turnstile.url });
  return stack;
}

async function call(base: string, method: string, path: string, body?: object, token?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** Verifies, retrying only 503 (a worker that just restarted may take a moment to pick the workflow up). */
async function verifyWhenAvailable(base: string, email: string, code: string): Promise<{ status: number; json: Record<string, unknown> }> {
  return waitFor(
    async () => {
      const res = await call(base, 'POST', '/auth/verify', { email, code });
      return res.status === 503 ? undefined : res;
    },
    30_000,
    'verify to answer',
  );
}

describe('sign-in through npm start with real SMTP and a fake siteverify', () => {
  it('signs in over HTTP, and a live code and a session survive kill -9 of the whole tree', { timeout: 300_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'e2e-sign-in-'));
    const ports = await pickPorts();
    let running = await start(dataDir, ports);
    expect(running.output()).not.toContain('TURNSTILE_SECRET_KEY is not set');

    const captcha = await call(running.apiUrl, 'POST', '/auth/sign-in', { email: 'nora@example.com' });
    expect(captcha).toMatchObject({ status: 403, json: { error: { code: 'captcha_failed' } } });

    const sent = await call(running.apiUrl, 'POST', '/auth/sign-in', { email: 'Nora@Example.com', turnstileToken: 'pass-nora' });
    expect(sent).toMatchObject({ status: 202, json: { status: 'code_sent' } });
    const firstCode = await smtp.codeFor('nora@example.com');
    const firstSession = await call(running.apiUrl, 'POST', '/auth/verify', { email: 'nora@example.com', code: firstCode });
    expect(firstSession.status).toBe(200);
    const token = String(firstSession.json.token);

    // A live code outlives a crash: ask for one, kill everything, start again, use it.
    const cooldownFree = await call(running.apiUrl, 'POST', '/auth/sign-in', { email: 'olga@example.com', turnstileToken: 'pass-olga' });
    expect(cooldownFree.status).toBe(202);
    const liveCode = await smtp.codeFor('olga@example.com');
    killTree(running.pid);
    await running.exited;

    running = await start(dataDir, ports);
    const verified = await verifyWhenAvailable(running.apiUrl, 'olga@example.com', liveCode);
    expect(verified.status).toBe(200);
    expect(verified.json).toMatchObject({ tokenType: 'Bearer', user: { email: 'olga@example.com' } });

    const me = await call(running.apiUrl, 'GET', '/auth/me', undefined, token);
    expect(me).toMatchObject({ status: 200, json: { user: { email: 'nora@example.com' } } });
    expect((await call(running.apiUrl, 'POST', '/auth/sign-out', undefined, token)).status).toBe(204);
    expect((await call(running.apiUrl, 'GET', '/auth/me', undefined, token)).status).toBe(401);
    expect(smtp.messages.filter((m) => m.to.includes('olga@example.com'))).toHaveLength(1);

    const output = running.output();
    for (const secret of [firstCode, liveCode, token, String(verified.json.token)]) expect(output).not.toContain(secret);
  });
});
