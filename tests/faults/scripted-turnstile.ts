import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, type SiteverifyRequest } from '../helpers/fake-turnstile.js';

/**
 * One answer of the scripted siteverify: an HTTP status with a JSON body,
 * `hang` (read the request, never answer), or `reset` (destroy the socket).
 */
export type SiteverifyStep = { readonly status: number; readonly body: Record<string, unknown> } | 'hang' | 'reset';

/** `{success: true}`. */
export const PASS: SiteverifyStep = { status: 200, body: { success: true, 'error-codes': [], hostname: 'localhost' } };

/**
 * A `200` refusal with the given error codes.
 *
 * @param codes - siteverify `error-codes`
 * @returns the step
 */
export const refusal = (...codes: string[]): SiteverifyStep => ({ status: 200, body: { success: false, 'error-codes': codes } });

/**
 * An HTTP error status with an empty JSON body.
 *
 * @param status - e.g. 500
 * @returns the step
 */
export const httpStatus = (status: number): SiteverifyStep => ({ status, body: {} });

/** One call as received. */
export interface SiteverifyCall {
  readonly at: number;
  readonly token: string;
  readonly secret: string;
  readonly idempotencyKey: string;
  readonly step: string;
}

/** A local siteverify whose answers a test scripts per token. */
export interface ScriptedTurnstile {
  /** Usable as `TURNSTILE_VERIFY_URL`. */
  readonly url: string;
  /** Every call, in arrival order. */
  readonly calls: readonly SiteverifyCall[];
  /** The answers for `token`, one per call; the last repeats. Unscripted tokens pass. */
  script(token: string, steps: readonly SiteverifyStep[]): void;
  /** The calls made with `token`. */
  callsFor(token: string): SiteverifyCall[];
  /** Stops the server; hanging requests are dropped. */
  close(): Promise<void>;
}

const describeStep = (step: SiteverifyStep) =>
  typeof step === 'string' ? step : `${step.status} ${JSON.stringify(step.body['error-codes'] ?? [])}`;

/**
 * Starts a scripted stand-in for Cloudflare's siteverify on 127.0.0.1 (a free
 * port): a variant of tests/helpers/fake-turnstile.ts for fault tests, with
 * HTTP errors, silence and resets in any order per token.
 *
 * @returns the running fake
 */
export async function startScriptedTurnstile(): Promise<ScriptedTurnstile> {
  const calls: SiteverifyCall[] = [];
  const scripts = new Map<string, readonly SiteverifyStep[]>();

  const answer = (form: SiteverifyRequest, request: IncomingMessage, response: ServerResponse): void => {
    const token = form.response;
    const steps = scripts.get(token) ?? [PASS];
    const index = calls.filter((call) => call.token === token).length;
    const step = steps[Math.min(index, steps.length - 1)] ?? PASS;
    calls.push({ at: Date.now(), token, secret: form.secret, idempotencyKey: form.idempotency_key, step: describeStep(step) });
    if (step === 'hang') return;
    if (step === 'reset') {
      request.socket.destroy();
      return;
    }
    response.writeHead(step.status, { 'content-type': 'application/json' }).end(JSON.stringify(step.body));
  };

  const server = createServer((request, response) => {
    readBody(request)
      .then((form) => answer(form, request, response))
      .catch(() => response.writeHead(400).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/turnstile/v0/siteverify`,
    calls,
    script: (token, steps) => {
      scripts.set(token, steps);
    },
    callsFor: (token) => calls.filter((call) => call.token === token),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
