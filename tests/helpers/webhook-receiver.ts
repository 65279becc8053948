import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../src/utils/webhook-signature.js';

/** A delivery as the receiver got it. */
export interface ReceivedWebhook {
  /** Path and query of the request. */
  readonly path: string;
  readonly method: string;
  readonly headers: IncomingMessage['headers'];
  /** The raw body. */
  readonly body: string;
  /** Whether `verifyWebhook` accepted it with the receiver's secret at arrival time. */
  readonly verified: boolean;
  /** The status the receiver answered. */
  readonly status: number;
}

/** Options of {@link startWebhookReceiver}. */
export interface WebhookReceiverOptions {
  /** The Standard Webhooks secret deliveries are verified with. */
  readonly secret: string;
  /**
   * The status to answer a delivery with, by how many deliveries of its
   * `webhook-id` came before it (0 for the first). Default: 200.
   */
  readonly answer?: (previous: number, delivery: Omit<ReceivedWebhook, 'status'>) => number;
}

/** A local HTTP server that verifies and keeps the webhooks it receives. */
export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly received: ReceivedWebhook[];
  close(): Promise<void>;
}

const header = (request: IncomingMessage, name: string): string => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(' ') : (value ?? '');
};

/**
 * Starts a webhook receiver on 127.0.0.1 (a free port) that does what a real
 * receiver does: reads the raw body and verifies the Standard Webhooks headers
 * with `verifyWebhook` before answering. A 3xx answer carries a `Location`
 * pointing back at `/redirected`.
 *
 * @param options - the secret and the answers to give
 * @returns the running receiver
 */
export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const id = header(request, 'webhook-id');
      const signed = { id, timestamp: header(request, 'webhook-timestamp'), signature: header(request, 'webhook-signature') };
      const delivery = {
        path: request.url ?? '',
        method: request.method ?? '',
        headers: request.headers,
        body,
        verified: verifyWebhook(options.secret, signed, body, Math.floor(Date.now() / 1000)),
      };
      const previous = received.filter((r) => r.headers['webhook-id'] === id).length;
      const status = options.answer?.(previous, delivery) ?? 200;
      received.push({ ...delivery, status });
      const location = status >= 300 && status < 400 ? { location: '/redirected' } : {};
      response.writeHead(status, { 'content-type': 'text/plain', ...location }).end(`answer ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
