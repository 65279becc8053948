import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { createRecordApprovalActivity } from '../../src/activities/approval-record-activity.js';
import type { RecordApprovalInput } from '../../src/activities/types.js';
import { findApproval, listApprovals } from '../../src/db/approvals-repository.js';
import { createLogger } from '../../src/utils/logger.js';
import { testEngines, testLogger, useDatabase } from '../db/engines.js';
import { sampleApproval, sampleDecision } from '../helpers/sample-approval.js';
import { failureOf, runIn } from '../helpers/activity-env.js';

const env = new MockActivityEnvironment(
  { activityId: '3', workflowExecution: { workflowId: 'approval-record-test', runId: randomUUID() } },
  { logger: new DefaultLogger('ERROR') },
);

/** A logger that keeps every line it writes, to check what is (not) logged. */
function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger('debug', 'approval-record-test', { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

function input(overrides: Partial<RecordApprovalInput> = {}): RecordApprovalInput {
  const tag = randomUUID().slice(0, 8);
  return {
    approval: sampleApproval({ requestedBy: `rita-${tag}@example.com`, approvers: [`abe-${tag}@example.com`] }),
    version: 1,
    ...overrides,
  };
}

describe.each(testEngines())('recordApprovalActivity on $name', (engine) => {
  const database = useDatabase(engine, 'approval-record-activity');
  const activity = (logger = testLogger) => createRecordApprovalActivity({ logger, database: database() });

  it('is named after its Temporal type', () => {
    expect(activity().name).toBe('recordApprovalActivity');
  });

  it('records the snapshot where listings find it, logging ids but no email', async () => {
    const recorded = input();
    const { logger, lines } = capturingLogger();
    await runIn(env, activity(logger), recorded);
    expect(await findApproval(database().db, recorded.approval.id)).toEqual(recorded.approval);
    const page = await listApprovals(database().db, { email: recorded.approval.approvers[0]!, role: 'approver', pageSize: 10 });
    expect(page).toEqual({ items: [recorded.approval], nextPageToken: null });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      approvalId: recorded.approval.id,
      version: 1,
      workflowId: 'approval-record-test',
      activityId: '3',
      changed: true,
    });
    expect(lines.join('\n')).not.toContain('@');
  });

  it('is idempotent on retry: one row, one set of participants', async () => {
    const recorded = input();
    await runIn(env, activity(), recorded);
    await runIn(env, activity(), recorded);
    await Promise.all([1, 2].map(() => runIn(env, activity(), recorded)));
    const rows = await database().db.selectFrom('approvals').select('version').where('id', '=', recorded.approval.id).execute();
    expect(rows).toEqual([{ version: 1 }]);
    const participants = await database().db
      .selectFrom('approval_participants')
      .select(['email', 'role'])
      .where('approval_id', '=', recorded.approval.id)
      .execute();
    expect(participants).toHaveLength(2);
  });

  it('applies a newer snapshot and ignores a stale one arriving late', async () => {
    const first = input();
    const { approval } = first;
    const approved = {
      ...approval,
      status: 'approved' as const,
      decisions: [sampleDecision(approval.approvers[0]!, 'approve')],
      completedAt: '2025-06-02T09:30:00.000Z',
    };
    await runIn(env, activity(), first);
    await runIn(env, activity(), { approval: approved, version: 2 });
    await runIn(env, activity(), first);
    expect(await findApproval(database().db, approval.id)).toEqual(approved);
    const row = await database().db.selectFrom('approvals').select(['status', 'version']).where('id', '=', approval.id).executeTakeFirst();
    expect(row).toEqual({ status: 'approved', version: 2 });
  });

  it('refuses a snapshot that can never be stored for good (non-retryable internal_error)', async () => {
    const bad = input({ version: -1 });
    const failure = await failureOf(runIn(env, activity(), bad));
    expect(failure).toMatchObject({ type: 'internal_error', nonRetryable: true });
    expect(await findApproval(database().db, bad.approval.id)).toBeUndefined();
  });

  it('fails retryably with database_unavailable when the database is gone, logging a warning without emails', async () => {
    const context = await engine.prepare('approval-record-closed');
    try {
      const closed = await context.open();
      await closed.close();
      const { logger, lines } = capturingLogger();
      const recorded = input();
      const failure = await failureOf(runIn(env, createRecordApprovalActivity({ logger, database: closed }), recorded));
      expect(failure).toMatchObject({ type: 'database_unavailable', nonRetryable: false });
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, approvalId: recorded.approval.id, version: 1, failureType: 'database_unavailable' });
      expect(lines.join('\n')).not.toContain('@');
    } finally {
      await context.cleanup();
    }
  });
});
