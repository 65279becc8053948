import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One siteverify call as the fake received it (missing fields are ''). */
export interface SiteverifyRequest {
  secret: string;
  response: string;
  remoteip: string;
  idempotency_key: string;
}

/** A local stand-in for Cloudflare's siteverify endpoint. */
export interface FakeTurnstile {
  /** The endpoint, usable as `TURNSTILE_VERIFY_URL`. */
  readonly url: string;
  /** Every call, in arrival order. */
  readonly requests: SiteverifyRequest[];
  /** Stops the server (open keep-alive connections included). */
  close(): Promise<void>;
}

/** Options of {@link startFakeTurnstile}. */
export interface FakeTurnstileOptions {
  /** When set, any other secret is answered `invalid-input-secret`. */
  secret?: string;
}

type Answer = { status: number; body: Record<string, unknown> };

const rejection = (code: string): Answer => ({ status: 200, body: { success: false, 'error-codes': [code] } });
const success: Answer = { status: 200, body: { success: true, 'error-codes': [], hostname: 'localhost' } };

/**
 * Reads a siteverify request body, form-encoded or JSON (missing fields are '').
 *
 * @param request - the incoming request
 * @returns the fields siteverify takes
 */
export async function readBody(request: IncomingMessage): Promise<SiteverifyRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  let fields: Record<string, unknown> = {};
  if ((request.headers['content-type'] ?? '').includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null) fields = parsed as Record<string, unknown>;
    } catch {
      fields = {};
    }
  } else {
    fields = Object.fromEntries(new URLSearchParams(text));
  }
  const field = (name: string) => (typeof fields[name] === 'string' ? fields[name] : '');
  return { secret: field('secret'), response: field('response'), remoteip: field('remoteip'), idempotency_key: field('idempotency_key') };
}

/**
 * Starts a fake siteverify on 127.0.0.1 (a free port). It reads form-encoded or
 * JSON bodies, records each call and answers by token (`response`):
 * - `pass`, or anything starting with `pass`: `{success: true}`;
 * - `internal-error`: `{success: false, "error-codes": ["internal-error"]}`;
 * - `flaky-N…` (e.g. `flaky-2-bob`): `internal-error` for the first N calls with that token, then success;
 * - `http-NNN…` (e.g. `http-500`): HTTP status NNN with an empty JSON body;
 * - anything else: `{success: false, "error-codes": ["invalid-input-response"]}`.
 * A missing secret is answered `missing-input-secret`, and with `options.secret`
 * any other secret `invalid-input-secret`. Unlike Cloudflare, a token may be
 * checked any number of times (no `timeout-or-duplicate`).
 *
 * @param options - the secret to insist on, if any
 * @returns the running fake
 */
export async function startFakeTurnstile(options: FakeTurnstileOptions = {}): Promise<FakeTurnstile> {
  const requests: SiteverifyRequest[] = [];
  const calls = new Map<string, number>();

  const answer = (request: SiteverifyRequest): Answer => {
    const token = request.response;
    const count = (calls.get(token) ?? 0) + 1;
    calls.set(token, count);
    if (request.secret === '') return rejection('missing-input-secret');
    if (options.secret !== undefined && request.secret !== options.secret) return rejection('invalid-input-secret');
    if (token.startsWith('pass')) return success;
    if (token === 'internal-error') return rejection('internal-error');
    const flaky = /^flaky-(\d+)/.exec(token);
    if (flaky !== null) return count <= Number(flaky[1]) ? rejection('internal-error') : success;
    const http = /^http-(\d{3})/.exec(token);
    if (http !== null) return { status: Number(http[1]), body: {} };
    return rejection('invalid-input-response');
  };

  const server = createServer((request, response) => {
    readBody(request)
      .then((fields) => {
        requests.push(fields);
        const { status, body } = answer(fields);
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      })
      .catch(() => response.writeHead(400).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/turnstile/v0/siteverify`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
