import type { AddressInfo, Socket } from 'node:net';
import PostalMime from 'postal-mime';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { waitFor } from '../helpers/processes.js';
import { PLAIN_SMTP_OPTIONS } from '../helpers/smtp-options.js';
import { extractCode } from '../helpers/smtp-receiver.js';

/** A mail as the chaos receiver took it (answered `250` on a live connection). */
export interface TakenMail {
  /** Envelope recipients, lower-cased. */
  readonly to: string[];
  readonly subject: string;
  readonly text: string;
  /** The `Message-ID` header: one per send request, the same on every resend of it. */
  readonly messageId: string;
}

/**
 * An SMTP receiver for crash tests. Unlike `tests/helpers/smtp-receiver.ts`,
 * it behaves like a real server when the client dies while it holds the
 * answer to `DATA`: a mail whose connection closed before the `250` is not
 * taken (it is counted in {@link FaultySmtp.discarded}), because the client
 * never learnt that it was delivered and will send it again. So the test sees
 * exactly what a mailbox would: one mail per answered `250`.
 */
export interface FaultySmtp {
  /** `smtp://127.0.0.1:<port>`. */
  readonly url: string;
  /** Every mail taken, in order. */
  readonly messages: TakenMail[];
  /** From now on, answers to `DATA` wait until {@link FaultySmtp.release} (after the delay). */
  hold(): void;
  /** Lets every held answer go. */
  release(): void;
  /** `DATA` commands fully received whose answer is not given yet (in the delay or held). */
  holding(): number;
  /** Mails not taken because the client had disconnected before the answer. */
  discarded(): number;
  /** Open client connections. */
  openConnections(): number;
  /** Mails taken for `email` (envelope recipient, case-insensitive). */
  mailsTo(email: string): TakenMail[];
  /** The code of the first mail to `email`, waiting up to `timeoutMs` for it. */
  codeFor(email: string, timeoutMs: number): Promise<string>;
  close(): Promise<void>;
}

async function readStream(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Starts the receiver on 127.0.0.1 (a free port), plain text, any or no auth.
 *
 * @param delayMs - how long each answer to `DATA` waits at least (a slow server)
 * @returns the running receiver
 */
export async function startFaultySmtp(delayMs: number): Promise<FaultySmtp> {
  const messages: TakenMail[] = [];
  const closedSessions = new Set<string>();
  let gate: { opened: Promise<void>; open: () => void } | undefined;
  const sockets = new Map<number, Socket>();
  let holding = 0;
  let discarded = 0;

  const server = new SMTPServer({
    ...PLAIN_SMTP_OPTIONS,
    onClose: (session) => {
      closedSessions.add(session.id);
    },
    onData: (stream, session, callback) => {
      void (async () => {
        let mail: TakenMail;
        try {
          const parsed = await PostalMime.parse(await readStream(stream));
          const to = session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase());
          mail = { to, subject: parsed.subject ?? '', text: parsed.text ?? '', messageId: parsed.messageId ?? '' };
        } catch (error) {
          callback(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        holding += 1;
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        while (gate !== undefined) await gate.opened;
        holding -= 1;
        // Nothing awaits from here to the answer: a mail is taken exactly when its 250 goes out.
        const connected = !closedSessions.has(session.id) && sockets.get(session.remotePort)?.destroyed === false;
        if (connected) messages.push(mail);
        else discarded += 1;
        callback();
      })();
    },
  });
  server.on('error', () => undefined);
  // Client sockets by their port (all clients are on 127.0.0.1), to see a closed one at once.
  server.server.on('connection', (socket: Socket) => {
    const clientPort = socket.remotePort ?? 0;
    sockets.set(clientPort, socket);
    socket.once('close', () => {
      if (sockets.get(clientPort) === socket) sockets.delete(clientPort);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  const mailsTo = (email: string): TakenMail[] => messages.filter((mail) => mail.to.includes(email.toLowerCase()));
  const release = (): void => {
    const current = gate;
    gate = undefined;
    current?.open();
  };

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    hold() {
      if (gate !== undefined) return;
      let openGate = (): void => undefined;
      const opened = new Promise<void>((resolve) => (openGate = resolve));
      gate = { opened, open: openGate };
    },
    release,
    holding: () => holding,
    discarded: () => discarded,
    openConnections: () => sockets.size,
    mailsTo,
    async codeFor(email, timeoutMs) {
      const mail = await waitFor(() => mailsTo(email)[0], timeoutMs, `a mail to ${email}`);
      return extractCode(mail.text);
    },
    close() {
      release();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
