import { randomUUID } from 'node:crypto';
import { access, link, mkdir, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import { createTransport } from 'nodemailer';
import type { Logger } from 'pino';
import { deliveryFingerprint } from '../utils/secrets.js';
import type { Mailer } from './mailer.js';
import { messageIdFor } from './message-id.js';

/**
 * The outbox file of a send request: its name is the request's fingerprint, so
 * every attempt of one request targets the same file.
 *
 * @param outboxDir - the outbox directory
 * @param idempotencyKey - names the send request
 * @returns `<outboxDir>/<fingerprint>.eml`
 */
export function outboxFile(outboxDir: string, idempotencyKey: string): string {
  return path.join(outboxDir, `${deliveryFingerprint(idempotencyKey)}.eml`);
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Publishes `content` as `file` unless `file` exists: written and flushed under
 * a temporary name first, then hard-linked to its final name (which fails if
 * that name exists), so a reader never sees half a mail and two attempts never
 * both publish.
 *
 * @returns true when this call published the file, false when it was there already
 */
async function publishOnce(file: string, content: Buffer): Promise<boolean> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomUUID()}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/**
 * Creates the development mailer: each mail becomes an `.eml` file (RFC 5322,
 * as an SMTP server would receive it) under `<dataDir>/outbox/`. Exactly once
 * per idempotency key: the file name is derived from the key, and an existing
 * file means the mail was already sent (the same result is returned).
 *
 * @param options - `DATA_DIR`, `MAIL_FROM` and a logger (one info line per new file, never the body)
 * @returns the outbox mailer
 */
export function createOutboxMailer(options: { dataDir: string; mailFrom: string; logger: Logger }): Mailer {
  const outboxDir = path.resolve(options.dataDir, 'outbox');
  const composer = createTransport({ streamTransport: true, buffer: true });
  return {
    kind: 'outbox',
    async send(mail, idempotencyKey) {
      const messageId = messageIdFor(idempotencyKey, options.mailFrom);
      const file = outboxFile(outboxDir, idempotencyKey);
      if (await exists(file)) return { messageId, location: file };
      await mkdir(outboxDir, { recursive: true });
      const info = await composer.sendMail({
        from: options.mailFrom,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html === undefined ? {} : { html: mail.html }),
        messageId,
      });
      if (!Buffer.isBuffer(info.message)) throw new Error('the stream transport did not return a buffer');
      if (await publishOnce(file, info.message)) options.logger.info({ file }, 'mail written to the dev outbox');
      return { messageId, location: file };
    },
    close: () => Promise.resolve(),
  };
}
