import type { AddressInfo } from 'node:net';
import PostalMime from 'postal-mime';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { PLAIN_SMTP_OPTIONS } from './smtp-options.js';

/** A mail as the receiver got it. */
export interface ReceivedMail {
  /** Envelope recipients (`RCPT TO`), as the client sent them. */
  to: string[];
  /** Address of the `From` header (the envelope sender when the header has none). */
  from: string;
  subject: string;
  /** The plain-text part ('' when there is none). */
  text: string;
  html?: string;
  /** The `Message-ID` header, angle brackets included. */
  messageId: string;
  /** The whole message as received (RFC 5322). */
  raw: string;
}

/** Options of {@link startSmtpReceiver}. */
export interface SmtpReceiverOptions {
  /** Wait this long before answering each `DATA`; the mail is recorded when the answer is given. */
  delayMs?: number;
  /** Answer `451` (transient) to the first N `DATA` commands; those mails are not recorded. */
  failFirst?: number;
  /** Recipients answered `550` (permanent) at `RCPT TO`, compared case-insensitively. */
  rejectRecipients?: readonly string[];
}

/** A local SMTP server that keeps what it receives. */
export interface SmtpReceiver {
  /** `smtp://127.0.0.1:<port>`, usable as `SMTP_URL`. */
  readonly url: string;
  /** Every accepted mail, in arrival order. */
  readonly messages: ReceivedMail[];
  /**
   * The first mail (received already or later) for which `predicate` holds.
   *
   * @throws Error after `timeoutMs` (default 10 s) without one, or when the receiver closes
   */
  waitForMail(predicate: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /**
   * The sign-in code sent to `email`. Rule: takes the newest mail to that
   * address (envelope recipient, case-insensitive) that no earlier `codeFor`
   * returned, and marks it and every older one to that address as returned; if
   * there is none, waits up to `timeoutMs` (default 10 s) for the next one. So
   * "request a code, then `codeFor`" always yields the latest code, and a
   * second `codeFor` never hands out the same mail twice.
   *
   * @throws Error on timeout, or when the plain text does not hold exactly one 6-digit number
   */
  codeFor(email: string, timeoutMs?: number): Promise<string>;
  /** Stops listening and drops open connections within a second. */
  close(): Promise<void>;
}

/**
 * The single 6-digit number of a text (the contract for sign-in mails).
 *
 * @param text - a mail's plain-text part
 * @returns the code
 * @throws Error when the text holds no or several 6-digit numbers
 */
export function extractCode(text: string): string {
  const codes = text.match(/\b\d{6}\b/g) ?? [];
  const [code] = codes;
  if (codes.length !== 1 || code === undefined) throw new Error(`expected exactly one 6-digit number in the mail, found ${codes.length}`);
  return code;
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

async function readStream(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function toReceivedMail(raw: Buffer, session: SMTPServerSession): Promise<ReceivedMail> {
  const parsed = await PostalMime.parse(raw);
  const envelopeFrom = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
  return {
    to: session.envelope.rcptTo.map((recipient) => recipient.address),
    from: parsed.from?.address ?? envelopeFrom,
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    ...(parsed.html === undefined ? {} : { html: parsed.html }),
    messageId: parsed.messageId ?? '',
    raw: raw.toString('utf8'),
  };
}

/**
 * Starts an SMTP receiver on 127.0.0.1 (a free port): plain text, no STARTTLS,
 * authentication optional (any credentials are accepted). Each mail is parsed
 * with postal-mime and recorded before the server answers `250`, so once a
 * send has resolved its mail is in {@link SmtpReceiver.messages}.
 *
 * @param options - delays and refusals to simulate
 * @returns the running receiver
 */
export async function startSmtpReceiver(options: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<{ accept: (mail: ReceivedMail) => boolean; fail: (error: Error) => void }>();
  const returned = new Set<ReceivedMail>();
  const rejected = new Set((options.rejectRecipients ?? []).map((address) => address.toLowerCase()));
  let failuresLeft = options.failFirst ?? 0;

  const record = (mail: ReceivedMail): void => {
    messages.push(mail);
    for (const waiter of [...waiters]) if (waiter.accept(mail)) waiters.delete(waiter);
  };

  const server = new SMTPServer({
    ...PLAIN_SMTP_OPTIONS,
    onRcptTo: (address, _session, callback) => {
      if (rejected.has(address.address.toLowerCase())) callback(smtpError('Mailbox unavailable', 550));
      else callback();
    },
    onData: (stream, session, callback) => {
      readStream(stream)
        .then(async (raw) => {
          if (options.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
          if (failuresLeft > 0) {
            failuresLeft -= 1;
            callback(smtpError('Try again later', 451));
            return;
          }
          record(await toReceivedMail(raw, session));
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  // Client resets and the like are reported here; a test receiver shrugs them off.
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  const waitForMail = (predicate: (mail: ReceivedMail) => boolean, timeoutMs = 10_000): Promise<ReceivedMail> => {
    const found = messages.find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`no matching mail within ${timeoutMs} ms (${messages.length} received in all)`));
      }, timeoutMs);
      const waiter = {
        accept: (mail: ReceivedMail) => {
          if (!predicate(mail)) return false;
          clearTimeout(timer);
          resolve(mail);
          return true;
        },
        fail: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      waiters.add(waiter);
    });
  };

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitForMail,
    async codeFor(email, timeoutMs) {
      const address = email.toLowerCase();
      const fresh = (mail: ReceivedMail) => !returned.has(mail) && mail.to.some((to) => to.toLowerCase() === address);
      const waiting = messages.filter(fresh);
      const mail = waiting.at(-1) ?? (await waitForMail(fresh, timeoutMs));
      for (const older of waiting) returned.add(older);
      returned.add(mail);
      return extractCode(mail.text);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const waiter of waiters) waiter.fail(new Error('the SMTP receiver was closed'));
        waiters.clear();
        server.close(() => resolve());
      }),
  };
}
