import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeliverWebhookInput, DeliverWebhookResult } from '../../src/activities/types.js';
import { createDeliverWebhookActivity, WEBHOOK_FAILED } from '../../src/activities/webhook-activity.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/utils/logger.js';
import { verifyWebhook, webhookSigningSecret } from '../../src/utils/webhook-signature.js';
import { sampleApproval, sampleDecision } from '../helpers/sample-approval.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { failureOf } from '../helpers/activity-env.js';
import { closedPort } from '../helpers/net.js';

const SECRET = 'a-test-secret-of-at-least-32-characters!';
const logs: string[] = [];
const logger = createLogger('debug', 'webhook-test', new Writable({ write: (chunk: Buffer, _e, done) => done(void logs.push(chunk.toString())) }));
const deliver = createDeliverWebhookActivity({ config: loadConfig({}), logger, authSecret: SECRET });
const workflowId = `approval-${randomUUID()}`;

/** Runs one attempt of the activity, as the worker would on retry `attempt`. */
function attemptOf(input: DeliverWebhookInput, attempt = 1, fn = deliver): Promise<DeliverWebhookResult> {
  const env = new MockActivityEnvironment(
    { activityId: '7', attempt, workflowExecution: { workflowId, runId: randomUUID() } },
    { logger: new DefaultLogger('ERROR') },
  );
  return env.run<[DeliverWebhookInput], DeliverWebhookResult, typeof fn>(fn, input);
}

function delivery(url: string): DeliverWebhookInput {
  const approval = sampleApproval({
    status: 'approved',
    decisions: [sampleDecision('abe@example.com', 'approve', 'ok <fine>'), sampleDecision('bea@example.com', 'approve')],
    completedAt: '2025-06-02T09:30:00.000Z',
  });
  return { url, webhookId: `wh_${randomUUID()}`, approval };
}


const logLines = () => logs.map((line) => JSON.parse(line) as Record<string, unknown>);

let receiver: WebhookReceiver;
beforeAll(async () => {
  // Paths starting /fail-<n> refuse the first n deliveries of each webhook-id with 500; /redirect answers 302.
  receiver = await startWebhookReceiver({
    secret: webhookSigningSecret(SECRET),
    answer: (previous, { path }) => {
      if (path.startsWith('/redirect')) return 302;
      const failures = Number(/^\/fail-(\d+)/.exec(path)?.[1] ?? 0);
      return previous < failures ? 500 : path.startsWith('/accepted') ? 202 : 200;
    },
  });
});
afterAll(() => receiver.close());
beforeEach(() => {
  logs.length = 0;
});

describe('deliverWebhookActivity', () => {
  it('is named after its Temporal type', () => {
    expect(deliver.name).toBe('deliverWebhookActivity');
  });

  it('POSTs the Approval as JSON, signed so the receiver verifies it, and reports the status and attempt', async () => {
    const input = delivery(`${receiver.url}/hooks/approvals?token=s3cr3t-query`);
    expect(await attemptOf(input)).toEqual({ status: 200, attempt: 1 });
    const [received, ...others] = receiver.received.filter((r) => r.headers['webhook-id'] === input.webhookId);
    expect(others).toEqual([]);
    expect(received).toMatchObject({ method: 'POST', path: '/hooks/approvals?token=s3cr3t-query', verified: true });
    expect(received?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(received?.body ?? '')).toEqual(input.approval);
    const timestamp = Number(received?.headers['webhook-timestamp']);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(5);
    expect(received?.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    // Someone holding another secret cannot verify it.
    const headers = { id: input.webhookId, timestamp, signature: String(received?.headers['webhook-signature']) };
    expect(verifyWebhook(webhookSigningSecret(`${SECRET}-other`), headers, received?.body ?? '', timestamp)).toBe(false);
  });

  it('accepts any 2xx', async () => {
    expect(await attemptOf(delivery(`${receiver.url}/accepted`), 2)).toEqual({ status: 202, attempt: 2 });
  });

  it('fails each refused attempt retryably, with the same webhook-id every time, until one is accepted', async () => {
    const input = delivery(`${receiver.url}/fail-2`);
    for (const attempt of [1, 2]) {
      const failure = await failureOf(attemptOf(input, attempt));
      expect(failure).toMatchObject({ type: WEBHOOK_FAILED, nonRetryable: false, details: [{ status: 500, attempt }] });
    }
    expect(await attemptOf(input, 3)).toEqual({ status: 200, attempt: 3 });
    const attempts = receiver.received.filter((r) => r.headers['webhook-id'] === input.webhookId);
    expect(attempts.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(attempts.every((r) => r.verified)).toBe(true);
    expect(new Set(attempts.map((r) => r.body)).size).toBe(1);
    const refused = logLines().filter((line) => line.msg === 'webhook delivery refused');
    expect(refused.map((line) => line.attempt)).toEqual([1, 2]);
    expect(refused[0]).toMatchObject({ approvalId: input.approval.id, webhookId: input.webhookId, status: 500, workflowId });
  });

  it('fails retryably with status null when the connection is refused', async () => {
    const input = delivery(`http://127.0.0.1:${await closedPort()}/hook`);
    const failure = await failureOf(attemptOf(input, 4));
    expect(failure).toMatchObject({ type: WEBHOOK_FAILED, nonRetryable: false, details: [{ status: null, attempt: 4 }] });
    expect(failure.message).toContain('ECONNREFUSED');
    expect(logLines().find((line) => line.msg === 'webhook delivery got no answer')).toMatchObject({ status: null, attempt: 4, reason: 'ECONNREFUSED' });
  });

  it('gives up retryably with status null on a receiver that does not answer in time', async () => {
    const silent = createHttpServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const impatient = createDeliverWebhookActivity({ config: loadConfig({}), logger, authSecret: SECRET, timeoutMs: 300 });
      const started = Date.now();
      const failure = await failureOf(attemptOf(delivery(`http://127.0.0.1:${port}/slow`), 1, impatient));
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(failure).toMatchObject({ type: WEBHOOK_FAILED, nonRetryable: false, details: [{ status: null, attempt: 1 }] });
      expect(failure.message).toContain('TimeoutError');
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('does not follow redirects: a 3xx is a refused attempt', async () => {
    const input = delivery(`${receiver.url}/redirect`);
    const failure = await failureOf(attemptOf(input));
    expect(failure).toMatchObject({ type: WEBHOOK_FAILED, nonRetryable: false, details: [{ status: 302, attempt: 1 }] });
    expect(receiver.received.filter((r) => r.path === '/redirected')).toEqual([]);
  });

  it('fails for good on a URL that is not http(s)', async () => {
    for (const url of ['ftp://example.com/hook', 'not a url']) {
      const failure = await failureOf(attemptOf(delivery(url)));
      expect(failure).toMatchObject({ type: WEBHOOK_FAILED, nonRetryable: true, details: [{ status: null, attempt: 1 }] });
    }
  });

  it('logs the approval id, webhook id, attempt, status and origin, never the path, query or body', async () => {
    const input = delivery(`${receiver.url}/fail-1/secret-path?token=s3cr3t-query`);
    await failureOf(attemptOf(input, 1));
    await attemptOf(input, 2);
    const delivered = logLines().find((line) => line.msg === 'webhook delivered');
    expect(delivered).toMatchObject({ approvalId: input.approval.id, webhookId: input.webhookId, attempt: 2, status: 200, origin: receiver.url });
    const text = logs.join('');
    for (const hidden of ['s3cr3t-query', 'secret-path', 'abe@example.com', 'rita@example.com', input.approval.title]) {
      expect(text).not.toContain(hidden);
    }
  });
});
