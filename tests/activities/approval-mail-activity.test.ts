import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSendApprovalMailActivity } from '../../src/activities/approval-mail-activity.js';
import type { ApprovalMailInput, SendMailResult } from '../../src/activities/types.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { createMailer, type Mailer } from '../../src/mail/mailer.js';
import { createLogger } from '../../src/utils/logger.js';
import { deliveryFingerprint } from '../../src/utils/secrets.js';
import { testEngines, useDatabase } from '../db/engines.js';
import { sampleApproval, sampleDecision } from '../helpers/sample-approval.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver.js';
import { failureOf } from '../helpers/activity-env.js';

const logs: string[] = [];
const logger = createLogger('debug', 'approval-mail-test', new Writable({ write: (chunk: Buffer, _e, done) => done(void logs.push(chunk.toString())) }));
const sdkLogger = new DefaultLogger('ERROR');

/** An activity environment for one activity execution (its retries share it). */
function execution(activityId = '1', workflowId = `approval-${randomUUID()}`, runId = randomUUID()) {
  const env = new MockActivityEnvironment({ activityId, workflowExecution: { workflowId, runId } }, { logger: sdkLogger });
  const run = (fn: (input: ApprovalMailInput) => Promise<SendMailResult>, input: ApprovalMailInput) =>
    env.run<[ApprovalMailInput], SendMailResult, typeof fn>(fn, input);
  return { run, workflowId, runId, key: `${workflowId}/${runId}/${activityId}` };
}

describe.each(testEngines())('sendApprovalMailActivity on $name', (engine) => {
  const database = useDatabase(engine, 'approval-mail-activity');
  let dataDir: string;
  let smtp: SmtpReceiver;
  let config: Config;
  let mailer: Mailer;
  const activity = (over: { mailer?: Mailer; database?: Database } = {}) =>
    createSendApprovalMailActivity({ config, logger, database: over.database ?? database(), mailer: over.mailer ?? mailer });
  const mailsTo = (email: string, receiver = smtp) => receiver.messages.filter((m) => m.to.includes(email));

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'approval-mail-'));
    smtp = await startSmtpReceiver({ rejectRecipients: ['bounce@example.com'] });
    config = loadConfig({ DATA_DIR: dataDir, SMTP_URL: smtp.url, MAIL_FROM: 'Approvals <approvals@mail.example>' });
    mailer = createMailer({ config, logger });
  });
  afterAll(async () => {
    await mailer.close();
    await smtp.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    logs.length = 0;
  });

  it('is named after its Temporal type', () => {
    expect(activity().name).toBe('sendApprovalMailActivity');
  });

  it('mails an approval request with title, requester and id, records it and logs no address or title', async () => {
    const { run, workflowId, key } = execution();
    const approval = sampleApproval({ title: 'Buy <b>servers</b>' });
    const result = await run(activity(), { kind: 'request', to: 'abe@example.com', approval });
    const messageId = `<${deliveryFingerprint(key)}@mail.example>`;
    expect(result).toEqual({ messageId, alreadySent: false });
    const [mail, ...others] = mailsTo('abe@example.com');
    expect(others).toEqual([]);
    expect(mail).toMatchObject({ from: 'approvals@mail.example', messageId, subject: 'Approval requested: Buy <b>servers</b>' });
    for (const fact of [approval.title, approval.requestedBy, approval.id]) expect(mail?.text).toContain(fact);
    expect(mail?.html).toContain('Buy &lt;b&gt;servers&lt;/b&gt;');
    const row = await database().db.selectFrom('email_deliveries').selectAll().where('idempotency_key', '=', key).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: 'approval-request', message_id: messageId });
    expect(row.sent_at).toBeInstanceOf(Date);
    const line = logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'approval mail sent');
    expect(line).toMatchObject({ workflowId, activityId: '1', approvalId: approval.id, kind: 'approval-request' });
    for (const hidden of ['abe@example.com', 'rita@example.com', 'servers']) expect(logs.join('')).not.toContain(hidden);
  });

  it('sends one mail when the same activity is retried', async () => {
    const { run } = execution('4');
    const input: ApprovalMailInput = { kind: 'reminder', to: 'ben@example.com', approval: sampleApproval() };
    const first = await run(activity(), input);
    const retry = await run(activity(), input);
    expect(retry).toEqual({ messageId: first.messageId, alreadySent: true });
    const mails = mailsTo('ben@example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toMatch(/still waiting for your decision/);
  });

  it('sends again for another activity of the same run (the next reminder round)', async () => {
    const first = execution('5');
    const second = execution('9', first.workflowId, first.runId);
    const input: ApprovalMailInput = { kind: 'reminder', to: 'cat@example.com', approval: sampleApproval() };
    const a = await first.run(activity(), input);
    const b = await second.run(activity(), input);
    expect(b.messageId).not.toBe(a.messageId);
    expect(mailsTo('cat@example.com').map((m) => m.messageId)).toEqual([a.messageId, b.messageId]);
  });

  it('mails the requester the outcome with the decisions and comments', async () => {
    const { run, key } = execution('12');
    const approval = sampleApproval({
      status: 'rejected',
      decisions: [sampleDecision('abe@example.com', 'reject', 'Budget is frozen.')],
      completedAt: '2025-06-02T09:30:00.000Z',
    });
    await run(activity(), { kind: 'outcome', to: 'dee@example.com', approval });
    const mail = await smtp.waitForMail((m) => m.to.includes('dee@example.com'));
    expect(mail.subject).toBe(`Rejected: ${approval.title}`);
    expect(mail.text).toContain('Budget is frozen.');
    expect(mail.text).toContain('abe@example.com rejected');
    const row = await database().db.selectFrom('email_deliveries').select('kind').where('idempotency_key', '=', key).executeTakeFirstOrThrow();
    expect(row.kind).toBe('approval-outcome');
  });

  it('fails for good with email_rejected on a 550, leaving the delivery unsent', async () => {
    const { run, key } = execution();
    const failure = await failureOf(run(activity(), { kind: 'request', to: 'bounce@example.com', approval: sampleApproval() }));
    expect(failure).toMatchObject({ type: 'email_rejected', nonRetryable: true });
    expect(failure.message).not.toContain('bounce@example.com');
    const row = await database().db.selectFrom('email_deliveries').select('sent_at').where('idempotency_key', '=', key).executeTakeFirstOrThrow();
    expect(row.sent_at).toBeNull();
    expect(logs.join('')).not.toContain('bounce@example.com');
  });

  it('fails retryably with email_unavailable on a 451; the retry sends exactly one mail', async () => {
    const flaky = await startSmtpReceiver({ failFirst: 1 });
    const flakyMailer = createMailer({ config: { ...config, smtpUrl: flaky.url }, logger });
    try {
      const { run } = execution();
      const input: ApprovalMailInput = { kind: 'request', to: 'eve@example.com', approval: sampleApproval() };
      expect(await failureOf(run(activity({ mailer: flakyMailer }), input))).toMatchObject({ type: 'email_unavailable', nonRetryable: false });
      expect(await run(activity({ mailer: flakyMailer }), input)).toMatchObject({ alreadySent: false });
      expect(await run(activity({ mailer: flakyMailer }), input)).toMatchObject({ alreadySent: true });
      expect(mailsTo('eve@example.com', flaky)).toHaveLength(1);
    } finally {
      await flakyMailer.close();
      await flaky.close();
    }
  });

  it('fails retryably with database_unavailable, sending nothing, when the database is gone', async () => {
    const context = await engine.prepare('approval-mail-closed');
    try {
      const closed = await context.open();
      await closed.close();
      const { run } = execution();
      const input: ApprovalMailInput = { kind: 'request', to: 'fay@example.com', approval: sampleApproval() };
      expect(await failureOf(run(activity({ database: closed }), input))).toMatchObject({ type: 'database_unavailable', nonRetryable: false });
      expect(mailsTo('fay@example.com')).toEqual([]);
    } finally {
      await context.cleanup();
    }
  });
});
