import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVerifyTurnstileActivity } from '../../src/activities/turnstile-activity.js';
import type { VerifyTurnstileInput } from '../../src/activities/types.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/utils/logger.js';
import { startFakeTurnstile, type FakeTurnstile } from '../helpers/fake-turnstile.js';
import { failureOf } from '../helpers/activity-env.js';

const logs: string[] = [];
const logger = createLogger('debug', 'turnstile-test', new Writable({ write: (chunk: Buffer, _e, done) => done(void logs.push(chunk.toString())) }));
// The SDK's own logger would print every expected failure; keep it to errors.
const env = new MockActivityEnvironment(
  { activityId: '3', workflowExecution: { workflowId: 'sign-in-turnstile-test', runId: randomUUID() } },
  { logger: new DefaultLogger('ERROR') },
);

let fake: FakeTurnstile;
let verify: (input: VerifyTurnstileInput) => Promise<void>;
beforeAll(async () => {
  fake = await startFakeTurnstile({ secret: 'test-secret' });
  verify = createVerifyTurnstileActivity({
    config: loadConfig({ TURNSTILE_SECRET_KEY: 'test-secret', TURNSTILE_VERIFY_URL: fake.url }),
    logger,
  });
});
afterAll(() => fake.close());
beforeEach(() => {
  logs.length = 0;
});

const check = (token: string, run = verify): Promise<void> =>
  env.run(run, { token, remoteIp: '198.51.100.4', idempotencyKey: randomUUID() });

describe('verifyTurnstileActivity', () => {
  it('is named after its Temporal type', () => {
    expect(verify.name).toBe('verifyTurnstileActivity');
  });

  it('accepts a passing token and sends secret, response, remoteip and idempotency_key as a form', async () => {
    const idempotencyKey = randomUUID();
    await env.run(verify, { token: 'pass-ann', remoteIp: '203.0.113.9', idempotencyKey });
    expect(fake.requests.at(-1)).toEqual({ secret: 'test-secret', response: 'pass-ann', remoteip: '203.0.113.9', idempotency_key: idempotencyKey });
    expect(logs.join('')).not.toContain('pass-ann');
  });

  it('rejects an invalid token as non-retryable captcha_failed, logging the workflow, activity and error codes', async () => {
    const failure = await failureOf(check('bogus'));
    expect(failure).toMatchObject({ type: 'captcha_failed', nonRetryable: true });
    const line = logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'Turnstile token rejected');
    expect(line).toMatchObject({ workflowId: 'sign-in-turnstile-test', activityId: '3', errorCodes: ['invalid-input-response'] });
    expect(logs.join('')).not.toContain('bogus');
  });

  it('retries internal-error as turnstile_unavailable, and passes once siteverify recovers', async () => {
    expect(await failureOf(check('internal-error'))).toMatchObject({ type: 'turnstile_unavailable', nonRetryable: false });
    const input = { token: 'flaky-1-bob', remoteIp: '198.51.100.4', idempotencyKey: randomUUID() };
    expect(await failureOf(env.run(verify, input))).toMatchObject({ type: 'turnstile_unavailable', nonRetryable: false });
    await env.run(verify, input);
    expect(fake.requests.filter((r) => r.response === 'flaky-1-bob').map((r) => r.idempotency_key)).toEqual([input.idempotencyKey, input.idempotencyKey]);
  });

  it.each(['http-500', 'http-503', 'http-429'])('retries an HTTP error status (%s)', async (token) => {
    expect(await failureOf(check(token))).toMatchObject({ type: 'turnstile_unavailable', nonRetryable: false });
  });

  it('fails for good, but not as the person\'s fault, when siteverify refuses the secret', async () => {
    const wrongSecret = createVerifyTurnstileActivity({
      config: loadConfig({ TURNSTILE_SECRET_KEY: 'wrong-secret', TURNSTILE_VERIFY_URL: fake.url }),
      logger,
    });
    expect(await failureOf(check('pass-cid', wrongSecret))).toMatchObject({ type: 'turnstile_unavailable', nonRetryable: true });
    expect(logs.join('')).toContain('invalid-input-secret');
  });

  it('does nothing when no secret is configured', async () => {
    const off = createVerifyTurnstileActivity({ config: loadConfig({ TURNSTILE_VERIFY_URL: fake.url }), logger });
    const before = fake.requests.length;
    await check('bogus', off);
    expect(fake.requests.length).toBe(before);
  });

  it('retries when siteverify is unreachable', async () => {
    const down = createVerifyTurnstileActivity({
      config: loadConfig({ TURNSTILE_SECRET_KEY: 'test-secret', TURNSTILE_VERIFY_URL: 'http://127.0.0.1:1/siteverify' }),
      logger,
    });
    expect(await failureOf(check('pass-dan', down))).toMatchObject({ type: 'turnstile_unavailable', nonRetryable: false });
  });

  it('gives up on a siteverify that does not answer after about two seconds, retryably', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const slow = createVerifyTurnstileActivity({
        config: loadConfig({ TURNSTILE_SECRET_KEY: 'test-secret', TURNSTILE_VERIFY_URL: `http://127.0.0.1:${port}/` }),
        logger,
      });
      const started = Date.now();
      expect(await failureOf(check('pass-eve', slow))).toMatchObject({ type: 'turnstile_unavailable', nonRetryable: false });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('treats an unreadable answer as unavailable', async () => {
    const garbled: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'));
    await new Promise<void>((resolve) => garbled.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = garbled.address() as AddressInfo;
      const odd = createVerifyTurnstileActivity({
        config: loadConfig({ TURNSTILE_SECRET_KEY: 'test-secret', TURNSTILE_VERIFY_URL: `http://127.0.0.1:${port}/` }),
        logger,
      });
      expect(await failureOf(check('pass-fay', odd))).toMatchObject({ type: 'turnstile_unavailable', nonRetryable: false });
    } finally {
      await new Promise((resolve) => garbled.close(resolve));
    }
  });
});
