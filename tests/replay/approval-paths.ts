import { strict as assert } from 'node:assert';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { cancelUpdate, decideUpdate, openedUpdate, type Approval, type ApprovalWorkflowInput, type DecisionKind } from '../../src/shared/approval.js';
import type { APPROVAL_PATHS } from './histories.js';
import type { Recorder } from './recorder.js';

/**
 * The approval paths, driven the way the API drives them (update-with-start
 * of `opened`, then `decide` / `cancel` Updates). Each path ends when the
 * workflow completes.
 */

type ApprovalPath = (typeof APPROVAL_PATHS)[number];

const DAY = 86_400;
const REQUESTER = 'req@example.com';

interface CreateOptions {
  readonly approvers: string[];
  readonly required: number;
  readonly timeoutSeconds?: number;
  readonly reminderSeconds?: number;
  readonly callbackUrl?: string;
}

function driver(recorder: Recorder, workflowId: string, n: number) {
  const { env, taskQueue } = recorder;
  const handle = env.client.workflow.getHandle<(input: ApprovalWorkflowInput) => Promise<Approval>>(workflowId);
  return {
    handle,
    async create(options: CreateOptions): Promise<Approval> {
      const now = await env.currentTimeMs();
      const approval: Approval = {
        id: `00000000-0000-4000-a000-${String(n).padStart(12, '0')}`,
        title: `Replay fixture ${workflowId}`,
        description: null,
        requestedBy: REQUESTER,
        approvers: options.approvers,
        requiredApprovals: options.required,
        status: 'pending',
        decisions: [],
        createdAt: new Date(now).toISOString(),
        deadline: new Date(now + (options.timeoutSeconds ?? 7 * DAY) * 1000).toISOString(),
        completedAt: null,
      };
      const startWorkflowOperation = new WithStartWorkflowOperation<(input: ApprovalWorkflowInput) => Promise<Approval>>('approvalWorkflow', {
        workflowId,
        taskQueue,
        args: [{ approval, reminderIntervalSeconds: options.reminderSeconds ?? DAY, callbackUrl: options.callbackUrl ?? null }],
        workflowIdConflictPolicy: 'FAIL',
      });
      const opened = await env.client.workflow.executeUpdateWithStart(openedUpdate, { args: [], startWorkflowOperation });
      await recorder.settle(workflowId);
      return opened;
    },
    async decide(actor: string, decision: DecisionKind, comment: string | null = null): Promise<Approval> {
      const after = await handle.executeUpdate(decideUpdate, { args: [{ actor, decision, comment }] });
      await recorder.settle(workflowId);
      return after;
    },
    async cancel(): Promise<Approval> {
      const after = await handle.executeUpdate(cancelUpdate, { args: [{ actor: REQUESTER }] });
      await recorder.settle(workflowId);
      return after;
    },
  };
}

/** How many approval mails of a kind the execution scheduled (read from the activity inputs in its history). */
async function mailsOfKind(recorder: Recorder, workflowId: string, kind: string): Promise<number> {
  const history = await recorder.env.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter((event) => {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name !== 'sendApprovalMailActivity') return false;
    const payload = scheduled.input?.payloads?.[0]?.data;
    return payload !== undefined && payload !== null && (JSON.parse(Buffer.from(payload).toString('utf8')) as { kind?: string }).kind === kind;
  }).length;
}

/** Each approval path, by fixture name; the fixture's name is also the workflow id. */
export const approvalPaths: Record<ApprovalPath, (recorder: Recorder, workflowId: string) => Promise<void>> = {
  async 'approval-approved'(recorder, workflowId) {
    const d = driver(recorder, workflowId, 1);
    const callbackUrl = `${recorder.webhook.url}/approvals`;
    await d.create({ approvers: ['a@example.com', 'b@example.com', 'c@example.com'], required: 2, callbackUrl });
    assert.equal((await d.decide('a@example.com', 'approve', 'fine')).status, 'pending');
    assert.equal((await d.decide('b@example.com', 'approve')).status, 'approved');
    assert.equal((await d.handle.result()).status, 'approved');
    assert.deepEqual(recorder.webhook.received.map((w) => [w.path, w.verified, w.status]), [['/approvals', true, 200]]);
  },

  async 'approval-rejected'(recorder, workflowId) {
    const d = driver(recorder, workflowId, 2);
    await d.create({ approvers: ['a@example.com', 'b@example.com'], required: 2 });
    assert.equal((await d.decide('a@example.com', 'reject', 'not now')).status, 'rejected');
    assert.equal((await d.handle.result()).status, 'rejected');
  },

  async 'approval-expired'(recorder, workflowId) {
    const d = driver(recorder, workflowId, 3);
    // Reminders every two days never come before a one-day deadline.
    await d.create({ approvers: ['a@example.com', 'b@example.com'], required: 1, timeoutSeconds: DAY, reminderSeconds: 2 * DAY });
    assert.equal((await d.handle.result()).status, 'expired');
    assert.equal(await mailsOfKind(recorder, workflowId, 'reminder'), 0);
  },

  async 'approval-cancelled'(recorder, workflowId) {
    const d = driver(recorder, workflowId, 4);
    await d.create({ approvers: ['a@example.com', 'b@example.com'], required: 1 });
    assert.equal((await d.cancel()).status, 'cancelled');
    assert.equal((await d.handle.result()).status, 'cancelled');
  },

  async 'approval-reminders'(recorder, workflowId) {
    const d = driver(recorder, workflowId, 5);
    await d.create({ approvers: ['a@example.com', 'b@example.com'], required: 2, timeoutSeconds: 3 * DAY, reminderSeconds: DAY });
    await recorder.env.sleep('25 hours');
    await recorder.settle(workflowId);
    assert.equal((await d.decide('a@example.com', 'approve')).status, 'pending');
    await recorder.env.sleep('1 day');
    await recorder.settle(workflowId);
    assert.equal((await d.decide('b@example.com', 'approve')).status, 'approved');
    assert.equal((await d.handle.result()).status, 'approved');
    // Day 1: both approvers; day 2: only b, who had not decided yet.
    assert.equal(await mailsOfKind(recorder, workflowId, 'reminder'), 3);
  },
};
