import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createMailer, isPermanentMailError, type Mailer, type OutgoingMail } from '../../src/mail/mailer.js';
import { mailDomain, messageIdFor } from '../../src/mail/message-id.js';
import { createLogger } from '../../src/utils/logger.js';
import { deliveryFingerprint } from '../../src/utils/secrets.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver.js';
import { closedPort } from '../helpers/net.js';

const logs: string[] = [];
const logger = createLogger('debug', 'mailer-test', new Writable({ write: (chunk: Buffer, _e, done) => done(void logs.push(chunk.toString())) }));
const mail = (to: string): OutgoingMail => ({ to, subject: 'Hello', text: 'Plain 123456 text', html: '<p>Html</p>' });


async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('the send should have failed'),
    (error: unknown) => error,
  );
}

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'mailer-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('the SMTP mailer', () => {
  let smtp: SmtpReceiver;
  let flaky: SmtpReceiver;
  let mailer: Mailer;
  beforeAll(async () => {
    smtp = await startSmtpReceiver({ rejectRecipients: ['bounce@example.com'] });
    flaky = await startSmtpReceiver({ failFirst: 1 });
    const config = loadConfig({ DATA_DIR: dataDir, SMTP_URL: smtp.url, MAIL_FROM: 'Sign-in <auth@Example.TEST>' });
    mailer = createMailer({ config, logger });
  });
  afterAll(async () => {
    await mailer.close();
    await smtp.close();
    await flaky.close();
  });

  it('delivers with MAIL_FROM, both parts and the Message-ID derived from the key', async () => {
    const sent = await mailer.send(mail('ann@example.com'), 'wf/run/1');
    expect(mailer.kind).toBe('smtp');
    expect(sent.messageId).toBe(`<${deliveryFingerprint('wf/run/1')}@example.test>`);
    expect(sent.location).toMatch(/^250\b/);
    const received = await smtp.waitForMail((m) => m.to.includes('ann@example.com'));
    expect(received).toMatchObject({ from: 'auth@example.test', subject: 'Hello', messageId: sent.messageId });
    expect(received.text.trim()).toBe('Plain 123456 text');
    expect(received.html).toContain('<p>Html</p>');
    expect(received.raw).toMatch(/^From: "?Sign-in"? <auth@example\.test>/m);
  });

  it('uses the same Message-ID when the same request is sent again', async () => {
    const first = await mailer.send(mail('ben@example.com'), 'wf/run/2');
    const again = await mailer.send(mail('ben@example.com'), 'wf/run/2');
    expect(again.messageId).toBe(first.messageId);
    expect(smtp.messages.filter((m) => m.to.includes('ben@example.com')).map((m) => m.messageId)).toEqual([first.messageId, first.messageId]);
  });

  it('authenticates when the URL carries credentials', async () => {
    const withAuth = createMailer({ config: loadConfig({ DATA_DIR: dataDir, SMTP_URL: smtp.url.replace('//', '//user:secret@') }), logger });
    try {
      await withAuth.send(mail('cat@example.com'), 'wf/run/3');
    } finally {
      await withAuth.close();
    }
    expect(smtp.messages.filter((m) => m.to.includes('cat@example.com'))).toHaveLength(1);
  });

  it('reports a 550 refusal as a permanent error', async () => {
    const error = await rejectionOf(mailer.send(mail('bounce@example.com'), 'wf/run/4'));
    expect(error).toMatchObject({ responseCode: 550 });
    expect(isPermanentMailError(error)).toBe(true);
  });

  it('reports a 451 as transient; the next attempt goes through', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, SMTP_URL: flaky.url });
    const flakyMailer = createMailer({ config, logger });
    try {
      const error = await rejectionOf(flakyMailer.send(mail('dan@example.com'), 'wf/run/5'));
      expect(error).toMatchObject({ responseCode: 451 });
      expect(isPermanentMailError(error)).toBe(false);
      await flakyMailer.send(mail('dan@example.com'), 'wf/run/5');
    } finally {
      await flakyMailer.close();
    }
    expect(flaky.messages.filter((m) => m.to.includes('dan@example.com'))).toHaveLength(1);
  });

  it('reports an unreachable server as transient', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, SMTP_URL: `smtp://127.0.0.1:${await closedPort()}` });
    const unreachable = createMailer({ config, logger });
    try {
      const error = await rejectionOf(unreachable.send(mail('eve@example.com'), 'wf/run/6'));
      expect(error).toBeInstanceOf(Error);
      expect(isPermanentMailError(error)).toBe(false);
    } finally {
      await unreachable.close();
    }
  });
});

describe('isPermanentMailError', () => {
  it('counts 5xx replies except 503 as permanent, trusting nodemailer\'s own mark first', () => {
    expect(isPermanentMailError(Object.assign(new Error('x'), { responseCode: 550 }))).toBe(true);
    expect(isPermanentMailError(Object.assign(new Error('x'), { responseCode: 554 }))).toBe(true);
    expect(isPermanentMailError(Object.assign(new Error('x'), { responseCode: 503 }))).toBe(false);
    expect(isPermanentMailError(Object.assign(new Error('x'), { responseCode: 421 }))).toBe(false);
    expect(isPermanentMailError(Object.assign(new Error('x'), { responseCode: 550, permanent: false }))).toBe(false);
    expect(isPermanentMailError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isPermanentMailError('550')).toBe(false);
    expect(isPermanentMailError(null)).toBe(false);
  });

  it('reads the domain of MAIL_FROM for Message-IDs', () => {
    expect(mailDomain('no-reply@localhost')).toBe('localhost');
    expect(mailDomain('Acme <No-Reply@Acme.Example>')).toBe('acme.example');
    expect(messageIdFor('k', 'a@b.example')).toBe(`<${deliveryFingerprint('k')}@b.example>`);
  });
});

describe('the dev outbox', () => {
  let mailer: Mailer;
  const outbox = () => path.join(dataDir, 'outbox');
  beforeAll(() => {
    mailer = createMailer({ config: loadConfig({ DATA_DIR: dataDir, MAIL_FROM: 'auth@outbox.test' }), logger });
  });

  it('writes one .eml file named after the key, with the mail as SMTP would carry it', async () => {
    logs.length = 0;
    const sent = await mailer.send(mail('fay@example.com'), 'wf/run/10');
    const file = path.join(outbox(), `${deliveryFingerprint('wf/run/10')}.eml`);
    expect(mailer.kind).toBe('outbox');
    expect(sent).toEqual({ messageId: `<${deliveryFingerprint('wf/run/10')}@outbox.test>`, location: file });
    const parsed = await PostalMime.parse(await readFile(file));
    expect(parsed).toMatchObject({ subject: 'Hello', messageId: sent.messageId, from: { address: 'auth@outbox.test' } });
    expect(parsed.to?.[0]).toMatchObject({ address: 'fay@example.com' });
    expect(parsed.text?.trim()).toBe('Plain 123456 text');
    const lines = logs.map((line) => JSON.parse(line) as { msg: string; file?: string });
    expect(lines).toEqual([expect.objectContaining({ msg: 'mail written to the dev outbox', file })]);
    expect(logs.join('')).not.toContain('123456');
    expect(logs.join('')).not.toContain('fay@example.com');
  });

  it('is exactly once per key: resends and concurrent sends leave one file and return the same result', async () => {
    logs.length = 0;
    const results = await Promise.all([1, 2, 3, 4].map(() => mailer.send(mail('gus@example.com'), 'wf/run/11')));
    const again = await mailer.send(mail('gus@example.com'), 'wf/run/11');
    expect(new Set([...results, again].map((r) => JSON.stringify(r))).size).toBe(1);
    expect(logs).toHaveLength(1);
    await mailer.send(mail('gus@example.com'), 'wf/run/12');
    const files = await readdir(outbox());
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining([`${deliveryFingerprint('wf/run/11')}.eml`, `${deliveryFingerprint('wf/run/12')}.eml`]));
    expect(files).toHaveLength(3);
  });
});
