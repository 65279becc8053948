import type { AddressInfo, Socket } from 'node:net';
import PostalMime from 'postal-mime';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { PLAIN_SMTP_OPTIONS } from '../helpers/smtp-options.js';
import { extractCode } from '../helpers/smtp-receiver.js';

/** One try of the client at this server, as the server saw it. */
export interface SmtpAttempt {
  /** When it happened (epoch ms): the connection for `hung`, the end of `DATA` otherwise. */
  readonly at: number;
  /** `hung`: a connection that never got a greeting; `refused`: `451` to `DATA`; `accepted`: `250`. */
  readonly outcome: 'hung' | 'refused' | 'accepted';
  /** Envelope recipients, lower-cased ([] for `hung`: no command was ever read). */
  readonly to: readonly string[];
  /** The mail's `Message-ID` ('' for `hung`). */
  readonly messageId: string;
  /** The mail's plain text ('' unless `accepted`). */
  readonly text: string;
}

/** An SMTP server whose faults a test switches on: refusals and silent connections. */
export interface FaultySmtp {
  /** `smtp://127.0.0.1:<port>`, usable as `SMTP_URL`. */
  readonly url: string;
  /** Every attempt, in order. */
  readonly attempts: readonly SmtpAttempt[];
  /** Answer `451` (transient) to the next `count` `DATA` commands. */
  refuseNext(count: number): void;
  /** Accept the next `count` TCP connections and never greet (nor answer) on them. */
  hangNext(count: number): void;
  /** Destroys every open connection, so the client's next mail needs a new one. */
  dropConnections(): void;
  /** Attempts that named `email` as a recipient. */
  attemptsTo(email: string): SmtpAttempt[];
  /** Waits for the first accepted mail to `email` and returns its code (rejects after `timeoutMs`). */
  codeFor(email: string, timeoutMs: number): Promise<{ code: string; attempt: SmtpAttempt }>;
  /** Stops listening and drops every connection (hung ones included). */
  close(): Promise<void>;
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

async function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts an SMTP server on 127.0.0.1 (a free port) that behaves normally until
 * told to refuse (`451` after `DATA`, the mail not kept) or to hang (the TCP
 * connection is accepted but the `220` greeting never comes, like a server
 * that stalled). It records every attempt with its time, so a test sees the
 * client's retries and the gaps between them.
 *
 * @returns the running server
 */
export async function startFaultySmtp(): Promise<FaultySmtp> {
  const attempts: SmtpAttempt[] = [];
  const sockets = new Set<Socket>();
  let refuseLeft = 0;
  let hangLeft = 0;

  const server = new SMTPServer({
    ...PLAIN_SMTP_OPTIONS,
    disableReverseLookup: true,
    closeTimeout: 500,
    onConnect: (_session, callback) => {
      if (hangLeft === 0) {
        callback();
        return;
      }
      hangLeft -= 1;
      // Never call back: the greeting is never sent.
      attempts.push({ at: Date.now(), outcome: 'hung', to: [], messageId: '', text: '' });
    },
    onData: (stream, session, callback) => {
      readAll(stream)
        .then(async (raw) => {
          const parsed = await PostalMime.parse(raw);
          const to = session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase());
          const base = { at: Date.now(), to, messageId: parsed.messageId ?? '' };
          if (refuseLeft > 0) {
            refuseLeft -= 1;
            attempts.push({ ...base, outcome: 'refused', text: '' });
            callback(smtpError('Try again later', 451));
            return;
          }
          attempts.push({ ...base, outcome: 'accepted', text: parsed.text ?? '' });
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  server.on('error', () => undefined);
  server.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  const dropConnections = (): void => {
    for (const socket of sockets) socket.destroy();
  };
  const attemptsTo = (email: string) => attempts.filter((attempt) => attempt.to.includes(email.toLowerCase()));

  return {
    url: `smtp://127.0.0.1:${port}`,
    attempts,
    refuseNext: (count) => {
      refuseLeft = count;
    },
    hangNext: (count) => {
      hangLeft = count;
    },
    dropConnections,
    attemptsTo,
    async codeFor(email, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const attempt = attemptsTo(email).find((a) => a.outcome === 'accepted');
        if (attempt !== undefined) return { code: extractCode(attempt.text), attempt };
        if (Date.now() > deadline) throw new Error(`no mail to ${email} within ${timeoutMs} ms (${attempts.length} attempts in all)`);
        await sleep(50);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        dropConnections();
        server.close(() => resolve());
      }),
  };
}
