import type { WorkflowUpdateFailedError } from '@temporalio/client';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities/index.js';
import type { ApprovalMailInput, DeliverWebhookInput, RecordApprovalInput } from '../../src/activities/types.js';
import { approvalQuery, cancelUpdate, decideUpdate, openedUpdate, type Approval, type ApprovalWorkflowInput } from '../../src/shared/approval.js';
import { startTimeSkippingWorker, type TimeSkippingWorker } from '../helpers/time-skipping.js';

// approvalWorkflow on the time-skipping test server with stub activities: days pass at once.
let env: TestWorkflowEnvironment;
const mails: ApprovalMailInput[] = [];
const records: RecordApprovalInput[] = [];
const webhooks: DeliverWebhookInput[] = [];
const taskQueue = 'approval-workflow-test';
const stubs: Pick<Activities, 'sendApprovalMailActivity' | 'recordApprovalActivity' | 'deliverWebhookActivity'> = {
  sendApprovalMailActivity: (input) => {
    mails.push(input);
    return Promise.resolve({ messageId: `<${mails.length}@test>`, alreadySent: false });
  },
  recordApprovalActivity: (input) => {
    records.push(input);
    return Promise.resolve();
  },
  deliverWebhookActivity: (input) => {
    webhooks.push(input);
    const attempt = webhooks.filter((w) => w.webhookId === input.webhookId).length;
    if (input.url.includes('down.example')) return Promise.reject(ApplicationFailure.retryable('503', 'webhook_failed', { status: 503, attempt }));
    return Promise.resolve({ status: 204, attempt });
  },
};

let server: TimeSkippingWorker;
beforeAll(async () => {
  server = await startTimeSkippingWorker(taskQueue, stubs);
  env = server.env;
}, 120_000);
afterAll(() => server.stop());

const DAY = 86_400;

/** Creates an approval the way the API does (update-with-start of `opened`). */
async function create(id: string, options: { approvers?: string[]; required?: number; timeout?: number; reminder?: number; callbackUrl?: string } = {}) {
  const now = await env.currentTimeMs();
  const approvers = options.approvers ?? ['a@x.test', 'b@x.test', 'c@x.test'];
  const approval: Approval = {
    id,
    title: `Approval ${id}`,
    description: null,
    requestedBy: 'req@x.test',
    approvers,
    requiredApprovals: options.required ?? approvers.length,
    status: 'pending',
    decisions: [],
    createdAt: new Date(now).toISOString(),
    deadline: new Date(now + (options.timeout ?? 7 * DAY) * 1000).toISOString(),
    completedAt: null,
  };
  const startWorkflowOperation = new WithStartWorkflowOperation<(input: ApprovalWorkflowInput) => Promise<Approval>>('approvalWorkflow', {
    workflowId: `approval-${id}`,
    taskQueue,
    args: [{ approval, reminderIntervalSeconds: options.reminder ?? DAY, callbackUrl: options.callbackUrl ?? null }],
    workflowIdConflictPolicy: 'FAIL',
  });
  const opened = await env.client.workflow.executeUpdateWithStart(openedUpdate, { args: [], startWorkflowOperation });
  return { opened, handle: env.client.workflow.getHandle<(input: ApprovalWorkflowInput) => Promise<Approval>>(`approval-${id}`) };
}

const refusalOf = (error: unknown): string | undefined => ((error as WorkflowUpdateFailedError).cause as ApplicationFailure | undefined)?.type ?? undefined;

describe('approvalWorkflow on the time-skipping server', () => {
  it('records the approval before answering, mails every approver, and ends approved at the quorum with outcome mail and webhook', async () => {
    const { opened, handle } = await create('two-of-three', { required: 2, callbackUrl: 'https://hooks.example/approvals' });
    expect(opened.status).toBe('pending');
    expect(records.filter((r) => r.approval.id === 'two-of-three').map((r) => r.version)).toEqual([1]);
    await handle.executeUpdate(decideUpdate, { args: [{ actor: 'a@x.test', decision: 'approve', comment: 'fine' }] });
    const after = await handle.executeUpdate(decideUpdate, { args: [{ actor: 'b@x.test', decision: 'approve', comment: null }] });
    expect(after.status).toBe('approved');
    expect(after.completedAt).not.toBeNull();
    const final = await handle.result();
    expect(final.decisions.map((d) => [d.approver, d.decision, d.comment])).toEqual([['a@x.test', 'approve', 'fine'], ['b@x.test', 'approve', null]]);
    const sent = mails.filter((m) => m.approval.id === 'two-of-three');
    expect(sent.filter((m) => m.kind === 'request').map((m) => m.to).sort()).toEqual(['a@x.test', 'b@x.test', 'c@x.test']);
    expect(sent.filter((m) => m.kind === 'outcome').map((m) => [m.to, m.approval.status])).toEqual([['req@x.test', 'approved']]);
    expect(webhooks.filter((w) => w.approval.id === 'two-of-three').map((w) => [w.url, w.webhookId, w.approval.status])).toEqual([
      ['https://hooks.example/approvals', 'msg_two-of-three', 'approved'],
    ]);
    expect(records.filter((r) => r.approval.id === 'two-of-three').at(-1)?.approval.status).toBe('approved');
    const memo = (await handle.describe()).memo as { webhook?: { delivered: boolean; webhookId: string; lastStatus: number } } | undefined;
    expect(memo?.webhook).toMatchObject({ delivered: true, webhookId: 'msg_two-of-three', lastStatus: 204 });
  });

  it('refuses in validators: non-participant 404, requester 403 not_an_approver, repeat 409, approver cancel 403', async () => {
    const { handle } = await create('refusals');
    const decide = (actor: string) => handle.executeUpdate(decideUpdate, { args: [{ actor, decision: 'approve', comment: null }] }).catch(refusalOf);
    expect(await decide('stranger@x.test')).toBe('not_found');
    expect(await decide('req@x.test')).toBe('not_an_approver');
    expect((await handle.executeUpdate(decideUpdate, { args: [{ actor: 'a@x.test', decision: 'approve', comment: null }] })).status).toBe('pending');
    expect(await decide('a@x.test')).toBe('already_decided');
    expect(await handle.executeUpdate(cancelUpdate, { args: [{ actor: 'b@x.test' }] }).catch(refusalOf)).toBe('forbidden');
    expect(await handle.executeUpdate(cancelUpdate, { args: [{ actor: 'stranger@x.test' }] }).catch(refusalOf)).toBe('not_found');
    const cancelled = await handle.executeUpdate(cancelUpdate, { args: [{ actor: 'req@x.test' }] });
    expect(cancelled.status).toBe('cancelled');
    expect((await handle.result()).status).toBe('cancelled');
  });

  it('reminds only undecided approvers, daily, and expires at the deadline', async () => {
    const { handle } = await create('deadline', { timeout: 3 * DAY, reminder: DAY });
    await handle.executeUpdate(decideUpdate, { args: [{ actor: 'a@x.test', decision: 'approve', comment: null }] });
    await env.sleep('4 days');
    const final = await handle.result();
    expect(final.status).toBe('expired');
    expect(Date.parse(final.completedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(final.deadline));
    const reminders = mails.filter((m) => m.approval.id === 'deadline' && m.kind === 'reminder').map((m) => m.to);
    expect(reminders.sort()).toEqual(['b@x.test', 'b@x.test', 'c@x.test', 'c@x.test']);
  });

  it('continues as new under frequent reminders, carrying the state, and still takes decisions', async () => {
    const { handle } = await create('long', { timeout: 2 * DAY, reminder: 300, approvers: ['a@x.test', 'b@x.test'] });
    await handle.executeUpdate(decideUpdate, { args: [{ actor: 'a@x.test', decision: 'approve', comment: null }] });
    const firstRun = (await handle.describe()).runId;
    await env.sleep('1 day');
    const now = await handle.describe();
    expect(now.runId).not.toBe(firstRun);
    const state = await handle.query(approvalQuery);
    expect(state.status).toBe('pending');
    expect(state.decisions.map((d) => d.approver)).toEqual(['a@x.test']);
    const done = await handle.executeUpdate(decideUpdate, { args: [{ actor: 'b@x.test', decision: 'approve', comment: null }] });
    expect(done.status).toBe('approved');
    expect(mails.filter((m) => m.approval.id === 'long' && m.kind === 'reminder').length).toBeGreaterThan(100);
  });

  it('gives a webhook up after its retry window and records the failed delivery', async () => {
    const { handle } = await create('hook-down', { callbackUrl: 'https://down.example/hook' });
    await handle.executeUpdate(cancelUpdate, { args: [{ actor: 'req@x.test' }] });
    expect((await handle.result()).status).toBe('cancelled');
    const attempts = webhooks.filter((w) => w.webhookId === 'msg_hook-down');
    expect(attempts.length).toBeGreaterThan(5);
    const memo = (await handle.describe()).memo as { webhook?: { delivered: boolean; lastStatus: number | null; attempts: number } } | undefined;
    expect(memo?.webhook).toMatchObject({ delivered: false });
  });
});
