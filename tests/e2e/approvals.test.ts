import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Approval } from '../../src/shared/approval.js';
import { verifyWebhook, webhookSigningSecret } from '../../src/utils/webhook-signature.js';
import { pickPorts, startStack, type RunningStack, type StackPorts } from '../helpers/npm-start.js';
import { killTree, waitFor } from '../helpers/processes.js';
import { startSmtpReceiver, type ReceivedMail, type SmtpReceiver } from '../helpers/smtp-receiver.js';

const AUTH_SECRET = randomBytes(32).toString('base64url');
const [requester, a, b, stranger] = ['rita@example.com', 'alex@example.com', 'bea@example.com', 'sam@example.com'];
const tokens = new Map<string, string>();

interface Delivery { readonly headers: IncomingHttpHeaders; readonly body: string; readonly verified: boolean; readonly status: number }
const deliveries: Delivery[] = [];
let hooks: Server;
let hookUrl: string;
let smtp: SmtpReceiver;
let stack: RunningStack;
let dataDir: string;
let ports: StackPorts;

/** A real receiver: raw body, Standard Webhooks verification, 500 to the first two POSTs and 204 after. */
async function startHookReceiver(): Promise<void> {
  const secret = webhookSigningSecret(AUTH_SECRET);
  hooks = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = (name: string) => String(request.headers[name] ?? '');
      const signed = { id: header('webhook-id'), timestamp: header('webhook-timestamp'), signature: header('webhook-signature') };
      const verified = verifyWebhook(secret, signed, body, Math.floor(Date.now() / 1000));
      const status = request.method === 'POST' && deliveries.length < 2 ? 500 : 204;
      deliveries.push({ headers: request.headers, body, verified, status });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hooks/approvals`;
}

const start = async (): Promise<RunningStack> =>
  (stack = await startStack(dataDir, ports, { SMTP_URL: smtp.url, AUTH_SECRET, RATE_LIMIT_PER_MINUTE: '0' }));

async function call(method: string, path: string, as?: string, body?: object): Promise<{ status: number; json: Record<string, unknown> }> {
  const token = as === undefined ? undefined : tokens.get(as);
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** Retries only 503 (a worker that just restarted may take a moment to pick the workflow up). */
const whenAvailable = (method: string, path: string, as?: string, body?: object) =>
  waitFor(async () => {
    const res = await call(method, path, as, body);
    return res.status === 503 ? undefined : res;
  }, 30_000, `${method} ${path} to answer`);

async function signIn(email: string): Promise<void> {
  expect((await call('POST', '/auth/sign-in', undefined, { email })).status).toBe(202);
  const verified = await call('POST', '/auth/verify', undefined, { email, code: await smtp.codeFor(email, 30_000) });
  expect(verified.status).toBe(200);
  tokens.set(email, String(verified.json.token));
}

const SUBJECTS = { request: 'Approval requested: ', reminder: 'Reminder: your decision is needed: ', approved: 'Approved: ', expired: 'Expired: ' };
/** Mails of one kind about one approval to one address, in arrival order. */
const mails = (kind: keyof typeof SUBJECTS, to: string, id: string): ReceivedMail[] =>
  smtp.messages.filter((m) => m.to.includes(to) && m.subject.startsWith(SUBJECTS[kind]) && m.text.includes(`Approval id: ${id}`));
const mailCountReaches = (kind: keyof typeof SUBJECTS, to: string, id: string, count: number, ms = 20_000) =>
  waitFor(() => mails(kind, to, id).length >= count, ms, `${count} ${kind} mail(s) to ${to}`);

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  await startHookReceiver();
  dataDir = await mkdtemp(join(tmpdir(), 'e2e-approvals-'));
  ports = await pickPorts();
  await start();
  for (const email of [requester, a, b, stranger]) await signIn(email);
});
afterAll(async () => {
  killTree(stack.pid);
  await smtp.close();
  hooks.closeAllConnections();
  await new Promise((resolve) => hooks.close(resolve));
});

describe('approvals through npm start with real SMTP and a real webhook receiver', () => {
  it('mails, reminds the undecided, approves, mails the outcome and delivers a signed webhook after retries', { timeout: 240_000 }, async () => {
    const title = 'Ship release 4.2 to production';
    const body = { title, approvers: [a, b], requiredApprovals: 2, reminderIntervalSeconds: 2, timeoutSeconds: 120, callbackUrl: hookUrl };
    const created = await call('POST', '/approvals', requester, body);
    expect(created).toMatchObject({ status: 201, json: { title, requestedBy: requester, approvers: [a, b], status: 'pending', completedAt: null } });
    const id = String(created.json.id);

    for (const approver of [a, b]) {
      await mailCountReaches('request', approver, id, 1);
      const [request] = mails('request', approver, id);
      expect(request?.text).toContain(title);
      expect(request?.text).toContain(requester);
    }
    await waitFor(() => mails('reminder', a, id).length + mails('reminder', b, id).length > 0, 15_000, 'a first reminder');

    expect((await call('POST', `/approvals/${id}/decision`, a, { decision: 'approve' })).json).toMatchObject({ status: 'pending' });
    const [aAtDecision, bAtDecision] = [mails('reminder', a, id).length, mails('reminder', b, id).length];
    // Two more rounds to b: the second surely started after a's decision, and any round in flight has landed.
    await mailCountReaches('reminder', b, id, bAtDecision + 2);
    const aSettled = mails('reminder', a, id).length;
    expect(aSettled).toBeLessThanOrEqual(aAtDecision + 1);
    await mailCountReaches('reminder', b, id, bAtDecision + 4);
    expect(mails('reminder', a, id)).toHaveLength(aSettled);
    expect(mails('request', a, id)).toHaveLength(1);

    const decided = await call('POST', `/approvals/${id}/decision`, b, { decision: 'approve', comment: 'LGTM' });
    expect(decided).toMatchObject({ status: 200, json: { status: 'approved' } });
    expect((decided.json as unknown as Approval).decisions.map((d) => [d.approver, d.decision])).toEqual([[a, 'approve'], [b, 'approve']]);

    await mailCountReaches('approved', requester, id, 1);
    expect(mails('approved', requester, id)[0]?.text).toContain('was approved');

    await waitFor(() => deliveries.some((d) => d.status === 204), 30_000, 'an accepted webhook delivery');
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // nothing more may arrive once one was accepted
    expect(deliveries.map((d) => d.status)).toEqual([500, 500, 204]);
    expect(deliveries.map((d) => d.headers['webhook-id'])).toEqual([`msg_${id}`, `msg_${id}`, `msg_${id}`]);
    expect(deliveries.every((d) => d.verified)).toBe(true);
    const final = await call('GET', `/approvals/${id}`, requester);
    expect(final).toMatchObject({ status: 200, json: { id, status: 'approved' } });
    expect(final.json.completedAt).toEqual(expect.any(String));
    expect(JSON.parse(deliveries.at(-1)?.body ?? '{}')).toEqual(final.json);

    const listed = await call('GET', '/approvals?role=requester', requester);
    expect((listed.json.items as Approval[]).map((item) => item.id)).toContain(id);
    expect((await call('GET', `/approvals/${id}`, b)).status).toBe(200);
    expect(await call('GET', `/approvals/${id}`, stranger)).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
    expect(await call('POST', `/approvals/${id}/decision`, stranger, { decision: 'approve' })).toMatchObject({ status: 404 });
  });

  it('keeps pending approvals, decisions and reminders across kill -9 of the whole tree: decides one after, expires the other', { timeout: 240_000 }, async () => {
    const title = 'Rotate the database credentials';
    const body = { title, approvers: [a, b], requiredApprovals: 2, reminderIntervalSeconds: 2, timeoutSeconds: 20 };
    const created = await call('POST', '/approvals', requester, body);
    expect(created.status).toBe(201);
    const id = String(created.json.id);
    expect(await call('POST', `/approvals/${id}/decision`, a, { decision: 'approve' })).toMatchObject({ status: 200, json: { status: 'pending' } });
    await mailCountReaches('request', b, id, 1);
    const other = String((await call('POST', '/approvals', requester, { title: 'Decided after the crash', approvers: [a, b], requiredApprovals: 1 })).json.id);

    killTree(stack.pid);
    await stack.exited;
    await start();
    const remindersBefore = mails('reminder', b, id).length;
    const aRemindersBefore = mails('reminder', a, id).length;

    expect(await whenAvailable('GET', '/auth/me', requester)).toMatchObject({ status: 200, json: { user: { email: requester } } });
    const pending = await whenAvailable('GET', `/approvals/${id}`, b);
    expect(pending).toMatchObject({ status: 200, json: { status: 'pending', completedAt: null } });
    expect((pending.json as unknown as Approval).decisions.map((d) => [d.approver, d.decision])).toEqual([[a, 'approve']]);
    // A decision taken after the restart lands in the workflow that waited through the crash.
    // (A 503 retried here may have landed already: then the retry says already_decided.)
    expect([200, 409]).toContain((await whenAvailable('POST', `/approvals/${other}/decision`, b, { decision: 'approve' })).status);
    expect(await call('GET', `/approvals/${other}`, requester)).toMatchObject({ status: 200, json: { status: 'approved', decisions: [{ approver: b }] } });
    // Only if the deadline is still ahead can reminders keep coming (two rounds: the catch-up one and the next).
    expect(Date.now()).toBeLessThan(Date.parse(String(created.json.deadline)) - 5_000);
    await mailCountReaches('reminder', b, id, remindersBefore + 2, 15_000);

    const expired = await waitFor(
      async () => {
        const res = await whenAvailable('GET', `/approvals/${id}`, requester);
        return res.json.status === 'expired' ? res : undefined;
      },
      40_000,
      'the approval to expire',
    );
    expect(expired.json.completedAt).toEqual(expect.any(String));
    expect(Date.parse(String(expired.json.completedAt))).toBeGreaterThanOrEqual(Date.parse(String(created.json.deadline)));
    expect(mails('reminder', a, id)).toHaveLength(aRemindersBefore);
    await mailCountReaches('expired', requester, id, 1);
    expect(mails('expired', requester, id)[0]?.text).toContain('expired');
    expect(await call('POST', `/approvals/${id}/decision`, b, { decision: 'approve' })).toMatchObject({ status: 409, json: { error: { code: 'not_pending' } } });
    expect(((await call('GET', '/approvals?role=approver&status=expired', b)).json.items as Approval[]).map((item) => item.id)).toEqual([id]);
  });
});
