import type { Recorder } from './load.js';

/** A JSON answer of the API. */
export interface JsonAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * Sends one JSON request to the API (undici keeps connections alive) and
 * times it under `route` in the recorder; a status other than `expect` is an error.
 *
 * @param recorder - where the latency goes
 * @param options - base URL, route label, method, path, body, bearer token, expected status
 * @returns the status and parsed body
 */
export async function callApi(
  recorder: Recorder,
  options: { base: string; route: string; method: string; path: string; body?: unknown; token?: string; expect: number },
): Promise<JsonAnswer> {
  return recorder.time(options.route, async () => {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    const response = await fetch(`${options.base}${options.path}`, {
      method: options.method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    const body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    if (response.status !== options.expect) {
      throw new Error(`${options.route}: ${response.status} ${typeof body.code === 'string' ? body.code : text.slice(0, 120)}`);
    }
    return { status: response.status, body };
  });
}
