import { WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities/index.js';
import type { CreateSessionInput, SendOtpEmailInput } from '../../src/activities/types.js';
import { requestCodeUpdate, signInStateQuery, verifyCodeUpdate, type RequestCodeInput, type SignInWorkflowInput } from '../../src/shared/sign-in.js';
import { startTimeSkippingWorker, type TimeSkippingWorker } from '../helpers/time-skipping.js';

const EventType = temporal.api.enums.v1.EventType;

// The workflow on the time-skipping test server with stub activities: timers of hours and days pass at once.
let env: TestWorkflowEnvironment;
const mails: SendOtpEmailInput[] = [];
const sessions: CreateSessionInput[] = [];
const taskQueue = 'sign-in-workflow-test';
const stubs: Pick<Activities, 'verifyTurnstileActivity' | 'sendOtpEmailActivity' | 'createSessionActivity'> = {
  verifyTurnstileActivity: ({ token }) => (token === 'pass' ? Promise.resolve() : Promise.reject(ApplicationFailure.nonRetryable('no', 'captcha_failed'))),
  sendOtpEmailActivity: (input) => {
    mails.push(input);
    return Promise.resolve({ messageId: `<${mails.length}@test>`, alreadySent: false });
  },
  createSessionActivity: async (input) => {
    sessions.push(input);
    if (input.email.startsWith('wf-flaky-session')) {
      // The first session of this email fails for good, after a while, so other verifies queue behind it.
      await new Promise((resolve) => setTimeout(resolve, 300));
      if (sessions.filter((s) => s.email === input.email).length === 1) throw ApplicationFailure.nonRetryable('clash', 'session_conflict');
    }
    return { user: { id: '00000000-0000-4000-8000-000000000001', email: input.email } };
  },
};

let server: TimeSkippingWorker;
beforeAll(async () => {
  server = await startTimeSkippingWorker(taskQueue, stubs);
  env = server.env;
}, 120_000);
afterAll(() => server.stop());

const policy = { ttlSeconds: 600, maxAttempts: 5, resendCooldownSeconds: 60 };

function requestCode(workflowId: string, request: Partial<RequestCodeInput> = {}) {
  const startWorkflowOperation = new WithStartWorkflowOperation<(input: SignInWorkflowInput) => Promise<void>>('signInWorkflow', {
    workflowId,
    taskQueue,
    args: [{ email: `${workflowId}@example.com` }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  return env.client.workflow.executeUpdateWithStart(requestCodeUpdate, {
    args: [{ challengeId: crypto.randomUUID(), codeMac: 'mac-1', policy, ...request }],
    startWorkflowOperation,
  });
}

const WORKFLOW_TASK_EVENTS = new Set<number>([
  EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
]);

/** Waits until the code mail's activity has completed and the workflow is idle, then counts events. */
async function settledHistoryLength(workflowId: string): Promise<number> {
  for (let i = 0; i < 100; i += 1) {
    const events = (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const types = events.map((event) => event.eventType);
    const completed = types.lastIndexOf(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
    const settled = types.lastIndexOf(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    if (completed >= 0 && settled > completed && types.lastIndexOf(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) < settled) {
      return events.length;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${workflowId} did not settle`);
}

describe('signInWorkflow on the time-skipping server', () => {
  it('issues a code, mails it once, and completes a day after it ends', async () => {
    const result = await requestCode('wf-complete');
    expect(Date.parse(result.expiresAt) - Date.parse(result.resendAvailableAt)).toBe(540_000);
    const handle = env.client.workflow.getHandle('wf-complete');
    await env.sleep('11 minutes');
    expect((await handle.query(signInStateQuery)).challenge?.status).toBe('expired');
    expect(mails.filter((m) => m.workflowId === 'wf-complete')).toHaveLength(1);
    await env.sleep('25 hours');
    await expect(handle.result()).resolves.toBeUndefined();
    // A verify after completion finds no execution: the API answers 410 no_active_code for it.
    const session = { id: '00000000-0000-4000-8000-00000000000b', tokenHash: 'h'.repeat(64), ttlSeconds: 60 };
    await expect(handle.executeUpdate(verifyCodeUpdate, { args: [{ codeMac: 'mac-1', session }] })).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('refuses inside the cooldown in the validator, recording no update and scheduling nothing', async () => {
    await requestCode('wf-cooldown');
    const handle = env.client.workflow.getHandle('wf-cooldown');
    const before = await settledHistoryLength('wf-cooldown');
    const refused = await requestCode('wf-cooldown').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (refused as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('too_many_requests');
    expect((cause as ApplicationFailure).details?.[0]).toMatchObject({ retryAfterSeconds: 60 });
    // No update accepted, nothing scheduled: the test server may still record the (empty) workflow task.
    const added = ((await handle.fetchHistory()).events ?? []).slice(before).map((event) => event.eventType);
    expect(added.every((type) => type !== undefined && type !== null && WORKFLOW_TASK_EVENTS.has(type))).toBe(true);
  });

  it('creates the session only for the right MAC and passes its hash and expiry', async () => {
    await requestCode('wf-verify', { codeMac: 'right' });
    const handle = env.client.workflow.getHandle('wf-verify');
    const session = { id: '00000000-0000-4000-8000-00000000000a', tokenHash: 'h'.repeat(64), ttlSeconds: 3600 };
    const wrong = await handle.executeUpdate(verifyCodeUpdate, { args: [{ codeMac: 'wrong', session }] }).catch((error: unknown) => error);
    expect(((wrong as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('invalid_code');
    expect(((wrong as WorkflowUpdateFailedError).cause as ApplicationFailure).details?.[0]).toEqual({ attemptsRemaining: 4 });
    const ok = await handle.executeUpdate(verifyCodeUpdate, { args: [{ codeMac: 'right', session }] });
    expect(ok.user.email).toBe('wf-verify@example.com');
    expect(sessions.at(-1)).toMatchObject({ sessionId: session.id, tokenHash: session.tokenHash, email: 'wf-verify@example.com' });
    expect(Date.parse(ok.sessionExpiresAt) - Date.parse(sessions.at(-1)?.expiresAt ?? '')).toBe(0);
  });

  it('refuses a rejected Turnstile token with captcha_failed and issues nothing', async () => {
    const refused = await requestCode('wf-turnstile', { turnstile: { token: 'bad', remoteIp: '127.0.0.1' } }).catch((error: unknown) => error);
    expect(((refused as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('captcha_failed');
    const state = await env.client.workflow.getHandle('wf-turnstile').query(signInStateQuery);
    expect(state.challenge).toBeUndefined();
    await requestCode('wf-turnstile', { turnstile: { token: 'pass', remoteIp: '127.0.0.1' } });
    expect((await env.client.workflow.getHandle('wf-turnstile').query(signInStateQuery)).challenge?.status).toBe('live');
  });

  it('lets the code be retried when the session fails, with one success among queued verifies and no failed workflow task', async () => {
    await requestCode('wf-flaky-session', { codeMac: 'right' });
    const handle = env.client.workflow.getHandle('wf-flaky-session');
    const verify = (n: number) =>
      handle
        .executeUpdate(verifyCodeUpdate, { args: [{ codeMac: 'right', session: { id: `00000000-0000-4000-8000-00000000010${n}`, tokenHash: 'h'.repeat(64), ttlSeconds: 60 } }] })
        .then(() => 'ok', (error: unknown) => ((error as WorkflowUpdateFailedError).cause as ApplicationFailure).type);
    const outcomes = await Promise.all([verify(1), verify(2), verify(3)]);
    expect(outcomes.sort()).toEqual(['no_active_code', 'ok', 'unavailable']);
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)).toEqual([]);
  });
});
