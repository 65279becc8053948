import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSendOtpEmailActivity } from '../../src/activities/otp-email-activity.js';
import type { SendOtpEmailInput } from '../../src/activities/types.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { createMailer, type Mailer } from '../../src/mail/mailer.js';
import { createLogger } from '../../src/utils/logger.js';
import { deliveryFingerprint, deriveSignInCode } from '../../src/utils/secrets.js';
import { testEngines, useDatabase } from '../db/engines.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver.js';
import { failureOf, runIn } from '../helpers/activity-env.js';

const SECRET = 'a-test-secret-of-at-least-32-characters!';
const logs: string[] = [];
const logger = createLogger('debug', 'otp-mail-test', new Writable({ write: (chunk: Buffer, _e, done) => done(void logs.push(chunk.toString())) }));
const sdkLogger = new DefaultLogger('ERROR');

/** An activity environment for one activity execution (its retries share it). */
function execution(activityId = '1', workflowId = `sign-in-${randomUUID()}`, runId = randomUUID()) {
  const env = new MockActivityEnvironment({ activityId, workflowExecution: { workflowId, runId } }, { logger: sdkLogger });
  return { env, workflowId, runId, key: `${workflowId}/${runId}/${activityId}` };
}

function input(email: string, workflowId: string): SendOtpEmailInput {
  return { email, workflowId, challengeId: randomUUID(), ttlSeconds: 600 };
}

describe.each(testEngines())('sendOtpEmailActivity on $name', (engine) => {
  const database = useDatabase(engine, 'otp-email-activity');
  let dataDir: string;
  let smtp: SmtpReceiver;
  let config: Config;
  let mailer: Mailer;
  const activity = (over: { mailer?: Mailer; database?: Database; config?: Config } = {}) =>
    createSendOtpEmailActivity({ config: over.config ?? config, logger, database: over.database ?? database(), authSecret: SECRET, mailer: over.mailer ?? mailer });
  const mailsTo = (email: string, receiver = smtp) => receiver.messages.filter((m) => m.to.includes(email));

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'otp-email-'));
    smtp = await startSmtpReceiver({ rejectRecipients: ['bounce@example.com'] });
    config = loadConfig({ DATA_DIR: dataDir, SMTP_URL: smtp.url, MAIL_FROM: 'Sign-in <auth@mail.example>' });
    mailer = createMailer({ config, logger });
  });
  afterAll(async () => {
    await mailer.close();
    await smtp.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('mails the derived code as the only 6-digit number, to the recipient, from MAIL_FROM, with a stable Message-ID', async () => {
    const { env, workflowId, key } = execution();
    const request = input('ann@example.com', workflowId);
    const result = await runIn(env, activity(), request);
    const messageId = `<${deliveryFingerprint(key)}@mail.example>`;
    expect(result).toEqual({ messageId, alreadySent: false });
    const [mail, ...others] = mailsTo('ann@example.com');
    expect(others).toEqual([]);
    expect(mail).toMatchObject({ to: ['ann@example.com'], from: 'auth@mail.example', messageId, subject: 'Your sign-in code' });
    const code = deriveSignInCode(SECRET, workflowId, request.challengeId);
    expect(mail?.text.match(/\b\d{6}\b/g)).toEqual([code]);
    expect(await smtp.codeFor('ann@example.com')).toBe(code);
    const row = await database().db.selectFrom('email_deliveries').selectAll().where('idempotency_key', '=', key).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: 'sign-in-code', message_id: messageId });
    expect(row.sent_at).toBeInstanceOf(Date);
    const logText = logs.join('');
    expect(logText).toContain(workflowId);
    expect(logText).not.toContain(code);
    expect(logText).not.toContain('ann@example.com');
  });

  it('sends no second mail when the same activity is retried', async () => {
    const { env, workflowId } = execution('4');
    const request = input('ben@example.com', workflowId);
    const first = await runIn(env, activity(), request);
    const retry = await runIn(env, activity(), request);
    expect(retry).toEqual({ messageId: first.messageId, alreadySent: true });
    expect(mailsTo('ben@example.com')).toHaveLength(1);
  });

  it('sends a new mail for a new activity (a resend) of the same workflow run', async () => {
    const first = execution('2');
    const second = execution('5', first.workflowId, first.runId);
    const a = await runIn(first.env, activity(), input('cat@example.com', first.workflowId));
    const b = await runIn(second.env, activity(), input('cat@example.com', first.workflowId));
    expect(b.messageId).not.toBe(a.messageId);
    expect(mailsTo('cat@example.com').map((m) => m.messageId)).toEqual([a.messageId, b.messageId]);
  });

  it('fails for good with email_rejected on a 550, and leaves the delivery unsent', async () => {
    const { env, workflowId, key } = execution();
    const failure = await failureOf(runIn(env, activity(), input('bounce@example.com', workflowId)));
    expect(failure).toMatchObject({ type: 'email_rejected', nonRetryable: true });
    expect(failure.message).not.toContain('bounce@example.com');
    const row = await database().db.selectFrom('email_deliveries').select('sent_at').where('idempotency_key', '=', key).executeTakeFirstOrThrow();
    expect(row.sent_at).toBeNull();
    expect(logs.join('')).not.toContain('bounce@example.com');
  });

  it('fails retryably with email_unavailable on a 451, and the retry sends exactly one mail', async () => {
    const flaky = await startSmtpReceiver({ failFirst: 1 });
    const flakyMailer = createMailer({ config: { ...config, smtpUrl: flaky.url }, logger });
    try {
      const { env, workflowId } = execution();
      const request = input('dan@example.com', workflowId);
      const failure = await failureOf(runIn(env, activity({ mailer: flakyMailer }), request));
      expect(failure).toMatchObject({ type: 'email_unavailable', nonRetryable: false });
      expect(await runIn(env, activity({ mailer: flakyMailer }), request)).toMatchObject({ alreadySent: false });
      expect(await runIn(env, activity({ mailer: flakyMailer }), request)).toMatchObject({ alreadySent: true });
      expect(mailsTo('dan@example.com', flaky)).toHaveLength(1);
    } finally {
      await flakyMailer.close();
      await flaky.close();
    }
  });

  it('fails retryably with email_unavailable when the SMTP server is unreachable', async () => {
    const downMailer = createMailer({ config: { ...config, smtpUrl: 'smtp://127.0.0.1:1' }, logger });
    try {
      const { env, workflowId } = execution();
      const failure = await failureOf(runIn(env, activity({ mailer: downMailer }), input('eve@example.com', workflowId)));
      expect(failure).toMatchObject({ type: 'email_unavailable', nonRetryable: false });
    } finally {
      await downMailer.close();
    }
  });

  it('fails retryably with database_unavailable, sending nothing, when the database is gone', async () => {
    const context = await engine.prepare('otp-email-closed');
    try {
      const closed = await context.open();
      await closed.close();
      const { env, workflowId } = execution();
      const failure = await failureOf(runIn(env, activity({ database: closed }), input('fay@example.com', workflowId)));
      expect(failure).toMatchObject({ type: 'database_unavailable', nonRetryable: false });
      expect(mailsTo('fay@example.com')).toEqual([]);
    } finally {
      await context.cleanup();
    }
  });

  it('writes one outbox file per send request without SMTP_URL, none on a retry', async () => {
    const outboxConfig = { ...config, smtpUrl: undefined };
    const outbox = createMailer({ config: outboxConfig, logger });
    const { env, workflowId, key } = execution();
    const request = input('gus@example.com', workflowId);
    const first = await runIn(env, activity({ mailer: outbox, config: outboxConfig }), request);
    const retry = await runIn(env, activity({ mailer: outbox, config: outboxConfig }), request);
    expect(retry).toEqual({ messageId: first.messageId, alreadySent: true });
    const files = await readdir(path.join(dataDir, 'outbox'));
    expect(files).toEqual([`${deliveryFingerprint(key)}.eml`]);
    const parsed = await PostalMime.parse(await readFile(path.join(dataDir, 'outbox', files[0] ?? '')));
    expect(parsed.messageId).toBe(first.messageId);
    expect(parsed.text?.match(/\b\d{6}\b/g)).toEqual([deriveSignInCode(SECRET, workflowId, request.challengeId)]);
  });
});
