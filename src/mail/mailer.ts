import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createOutboxMailer } from './outbox-mailer.js';
import { createSmtpMailer } from './smtp-mailer.js';

export { isPermanentMailError } from './smtp-mailer.js';

/** A mail to send; the sender is always `MAIL_FROM`. */
export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

/** What a transport reports for a sent (or already sent) mail. */
export interface SentMail {
  /** The Message-ID header, angle brackets included; derived from the idempotency key. */
  readonly messageId: string;
  /** file path (outbox) or SMTP response */
  readonly location: string;
}

/** Sends mail through SMTP or into the dev outbox. */
export interface Mailer {
  /** `smtp` when `SMTP_URL` is set, else `outbox`. */
  readonly kind: 'smtp' | 'outbox';
  /**
   * Sends one mail.
   *
   * @param mail - recipient, subject and body
   * @param idempotencyKey - names the send request; the Message-ID (and the
   *   outbox file name) is derived from it, so a resend is recognisable
   * @returns the Message-ID and where the mail went
   * @throws the transport's error; see {@link isPermanentMailError}
   */
  send(mail: OutgoingMail, idempotencyKey: string): Promise<SentMail>;
  /** Closes pooled connections; idempotent. */
  close(): Promise<void>;
}

/**
 * Creates the process mailer: pooled SMTP when `SMTP_URL` is set, else the dev
 * outbox (one `.eml` file per mail under `<DATA_DIR>/outbox/`).
 *
 * @param options - the configuration and a logger
 * @returns the mailer
 */
export function createMailer(options: { config: Config; logger: Logger }): Mailer {
  const { config, logger } = options;
  return config.smtpUrl === undefined
    ? createOutboxMailer({ dataDir: config.dataDir, mailFrom: config.mailFrom, logger })
    : createSmtpMailer({ smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, logger });
}
