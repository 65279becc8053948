import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../src/temporal/watchdog-spawn.js';
import { pickPorts, startStack, type RunningStack } from '../helpers/npm-start.js';
import { descendantsOf, killTree, waitFor } from '../helpers/processes.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver.js';
import { waitForNoPendingActivities } from './faults.js';
import { call } from './http.js';

const stacks: RunningStack[] = [];
let smtp: SmtpReceiver | undefined;
let dataDir = '';
afterAll(async () => {
  for (const stack of stacks) killTree(stack.pid);
  await Promise.all(stacks.map((stack) => stack.exited));
  await smtp?.close();
  if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
});

async function signIn(base: string, receiver: SmtpReceiver, email: string): Promise<string> {
  expect((await call(base, 'POST', '/auth/sign-in', { email })).status).toBe(202);
  const verified = await call(base, 'POST', '/auth/verify', { email, code: await receiver.codeFor(email, 60_000) });
  expect(verified.status).toBe(200);
  return String(verified.json.token);
}

/**
 * `kill -9` of every process of `npm start` (npm, node main, the watchdog,
 * the dev server) at once, then `npm start` again on the same DATA_DIR and
 * ports: the embedded PGlite and the dev server's SQLite must hold what was
 * promised (contract, "Durability").
 */
describe('kill -9 of the whole npm start tree', () => {
  it('keeps sessions, live codes and pending approvals across the crash', async () => {
    smtp = await startSmtpReceiver();
    dataDir = await mkdtemp(join(tmpdir(), 'chaos-npm-start-'));
    const ports = await pickPorts();
    const env = { SMTP_URL: smtp.url, RATE_LIMIT_PER_MINUTE: '0' };
    const first = await startStack(dataDir, ports, env);
    stacks.push(first);
    const base = first.apiUrl;

    const requesterToken = await signIn(base, smtp, 'rita@example.com');
    const approverToken = await signIn(base, smtp, 'abe@example.com');
    const leaverToken = await signIn(base, smtp, 'leo@example.com');
    expect((await call(base, 'POST', '/auth/sign-out', {}, leaverToken)).status).toBe(204);
    expect((await call(base, 'POST', '/auth/sign-in', { email: 'pat@example.com' })).status).toBe(202);
    const liveCode = await smtp.codeFor('pat@example.com', 60_000);
    const created = await call(base, 'POST', '/approvals', { title: 'Survive a crash', approvers: ['abe@example.com'] }, requesterToken);
    expect(created).toMatchObject({ status: 201, json: { status: 'pending' } });
    const id = String(created.json.id);
    await smtp.waitForMail((mail) => mail.subject === 'Approval requested: Survive a crash', 60_000);
    // Kill when every mail is sent and recorded (not between an SMTP 250 and its record; see faults.ts).
    await waitForNoPendingActivities(first.temporalAddress);

    const tree = [first.pid, ...descendantsOf(first.pid)];
    expect(tree.length).toBeGreaterThanOrEqual(3); // npm (or sh), node main, watchdog, temporal
    killTree(first.pid);
    await first.exited;
    await waitFor(() => tree.every((pid) => !isProcessAlive(pid)), 15_000, 'every process of the tree to be gone');

    const second = await startStack(dataDir, ports, env);
    stacks.push(second);

    // Sessions: the tokens from before work; the one signed out before stays dead.
    expect(await call(base, 'GET', '/auth/me', undefined, requesterToken)).toMatchObject({ status: 200, json: { user: { email: 'rita@example.com' } } });
    expect((await call(base, 'GET', '/auth/me', undefined, approverToken)).status).toBe(200);
    expect((await call(base, 'GET', '/auth/me', undefined, leaverToken)).status).toBe(401);

    // The live code mailed before the crash still verifies, once, and no second mail was sent.
    const wrong = liveCode === '000000' ? '111111' : '000000';
    expect((await call(base, 'POST', '/auth/verify', { email: 'pat@example.com', code: wrong })).status).toBe(401);
    const verified = await call(base, 'POST', '/auth/verify', { email: 'pat@example.com', code: liveCode });
    expect(verified).toMatchObject({ status: 200, json: { user: { email: 'pat@example.com' } } });
    expect((await call(base, 'GET', '/auth/me', undefined, String(verified.json.token))).status).toBe(200);
    expect(smtp.messages.filter((mail) => mail.to.includes('pat@example.com'))).toHaveLength(1);

    // The pending approval is still pending, and a decision after the restart completes it.
    expect(await call(base, 'GET', `/approvals/${id}`, undefined, requesterToken)).toMatchObject({ status: 200, json: { status: 'pending', completedAt: null } });
    const decided = await call(base, 'POST', `/approvals/${id}/decision`, { decision: 'approve' }, approverToken);
    expect(decided).toMatchObject({ status: 200, json: { status: 'approved' } });
    const outcome = await smtp.waitForMail((mail) => mail.subject === 'Approved: Survive a crash', 60_000);
    expect(outcome.to).toEqual(['rita@example.com']);
    const after = await call(base, 'GET', `/approvals/${id}`, undefined, requesterToken);
    expect(after.json).toMatchObject({ status: 'approved', decisions: [{ approver: 'abe@example.com', decision: 'approve' }] });
    expect(after.json.completedAt).not.toBeNull();
    expect(smtp.messages.filter((mail) => mail.subject === 'Approval requested: Survive a crash')).toHaveLength(1);
  });
});
