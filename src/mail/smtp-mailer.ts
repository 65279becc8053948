import { createTransport } from 'nodemailer';
import type { Logger } from 'pino';
import type { Mailer } from './mailer.js';
import { messageIdFor } from './message-id.js';

/** Connections the pool keeps open at most. */
const MAX_CONNECTIONS = 3;

/** Limit of each wait on the SMTP server (connect, greeting, DNS, an idle socket). */
const SMTP_TIMEOUT_MS = 10_000;

/** An idle pooled connection is closed by us before the socket timeout would end it. */
const IDLE_TIMEOUT_MS = 5_000;

/**
 * Tells whether a mail error is permanent: the server refused the mail for good
 * with a 5xx reply (e.g. `550 mailbox unavailable`), so sending the same mail
 * again would be refused again. Nodemailer marks such errors with `permanent`
 * (5xx except `503 bad sequence`, which a new connection can cure); without
 * that mark a `responseCode` of 5xx other than 503 counts. Everything else is
 * transient: 4xx replies (`451`), refused or dropped connections, timeouts,
 * DNS failures, file system errors of the outbox.
 *
 * @param error - anything a {@link Mailer} threw
 * @returns true when retrying cannot help
 */
export function isPermanentMailError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { permanent, responseCode } = error as { permanent?: unknown; responseCode?: unknown };
  if (typeof permanent === 'boolean') return permanent;
  return typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600 && responseCode !== 503;
}

/**
 * Creates a mailer that delivers through a pooled SMTP transport. Options
 * given in the URL's query (e.g. `?maxConnections=1`) win over the defaults.
 *
 * @param options - `SMTP_URL`, `MAIL_FROM` and a logger
 * @returns the SMTP mailer
 */
export function createSmtpMailer(options: { smtpUrl: string; mailFrom: string; logger: Logger }): Mailer {
  const { smtpUrl, mailFrom, logger } = options;
  const transport = createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: MAX_CONNECTIONS,
    idleTimeout: IDLE_TIMEOUT_MS,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
    dnsTimeout: SMTP_TIMEOUT_MS,
  });
  // Transport-level errors are also handed to the pending send; this listener
  // only keeps an unexpected one from becoming an unhandled 'error' event.
  transport.on('error', (error: NodeJS.ErrnoException) => {
    logger.warn({ errorCode: error.code }, 'SMTP transport error');
  });
  let closed = false;
  return {
    kind: 'smtp',
    async send(mail, idempotencyKey) {
      const messageId = messageIdFor(idempotencyKey, mailFrom);
      const info = await transport.sendMail({
        from: mailFrom,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html === undefined ? {} : { html: mail.html }),
        messageId,
      });
      return { messageId, location: info.response };
    },
    close() {
      if (!closed) {
        closed = true;
        transport.close();
      }
      return Promise.resolve();
    },
  };
}
