/** A JSON answer of the API with how long it took. */
export interface Answer {
  readonly status: number;
  readonly json: Record<string, unknown>;
  readonly ms: number;
}

/** What a chaos client saw: every status it got, 5xx answers apart. */
export class Tally {
  readonly statuses = new Map<number, number>();
  /** 5xx answers; the contract allows only `503 unavailable` and never more than 5 s. */
  readonly serverErrors: Answer[] = [];

  /** @param answer - one answer, counted */
  note(answer: Answer): void {
    this.statuses.set(answer.status, (this.statuses.get(answer.status) ?? 0) + 1);
    if (answer.status >= 500) this.serverErrors.push(answer);
  }

  /** 5xx answers other than a 503 with the `unavailable` error code given within 5 s. */
  contractBreaches(): Answer[] {
    return this.serverErrors.filter((answer) => answer.status !== 503 || errorCode(answer) !== 'unavailable' || answer.ms >= 5_000);
  }
}

/** @returns the `error.code` of an error body, or '' */
export function errorCode(answer: Answer): string {
  const error = answer.json.error as { code?: unknown } | undefined;
  return typeof error?.code === 'string' ? error.code : '';
}

/**
 * One HTTP call to the API, JSON in and out.
 *
 * @param base - the API's base URL
 * @param method - GET or POST
 * @param path - e.g. `/auth/sign-in`
 * @param body - JSON body (POST)
 * @param token - bearer token, if any
 * @param tally - where the answer is counted
 * @returns the answer
 */
export async function call(base: string, method: 'GET' | 'POST', path: string, body?: object, token?: string, tally?: Tally): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const started = Date.now();
  // A client's own deadline well past the contract's 5 s: a hang shows as a failure, not a stuck test.
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    signal: AbortSignal.timeout(30_000),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const answer = { status: res.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), ms: Date.now() - started };
  tally?.note(answer);
  return answer;
}

/**
 * Sends the same request again while the API answers `503` (Temporal or a
 * worker away), as a client would, pausing a second between tries.
 *
 * @param send - makes the request once
 * @param timeoutMs - gives up after this long
 * @returns the first answer that is not a 503, and how many 503s came before it
 */
export async function retryWhileUnavailable(send: () => Promise<Answer>, timeoutMs = 180_000): Promise<Answer & { unavailable: number }> {
  const deadline = Date.now() + timeoutMs;
  let unavailable = 0;
  for (;;) {
    const answer = await send();
    if (answer.status !== 503) return { ...answer, unavailable };
    unavailable += 1;
    if (Date.now() > deadline) throw new Error(`still 503 after ${unavailable} tries`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
