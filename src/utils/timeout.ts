/**
 * Budget of one call to Temporal or the database made for an HTTP request, so
 * the call's own 503 (with a precise log line) comes before the request deadline
 * and well within the 5 s the contract allows.
 */
export const DEPENDENCY_TIMEOUT_MS = 4_000;

/** A dependency did not answer within its time budget; the API answers `503 unavailable`. */
export class TimeoutError extends Error {
  /**
   * @param what - the dependency or operation that timed out, e.g. `temporal`
   * @param ms - the budget it had, in milliseconds
   */
  constructor(
    readonly what: string,
    readonly ms: number,
  ) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Settles like `promise`, or rejects with a {@link TimeoutError} after `ms`.
 * The timer is cleared as soon as the promise settles; the underlying work is not
 * cancelled (pass an AbortSignal or a deadline to the dependency for that).
 *
 * @param promise - the work to wait for
 * @param ms - the time budget in milliseconds
 * @param what - names the dependency in the error message
 * @returns the value of `promise`
 * @throws TimeoutError when `promise` has not settled after `ms`
 */
export async function withTimeout<T>(promise: PromiseLike<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
