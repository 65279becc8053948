import { Connection } from '@temporalio/client';

/** Options of {@link waitForTemporal}. */
export interface WaitForTemporalOptions {
  /** Frontend `host:port`. */
  readonly address: string;
  /** Namespace that must be described successfully. */
  readonly namespace: string;
  /** Give up after this long. */
  readonly timeoutMs: number;
  /** Settles with a reason when the server process ended; waiting stops at once. */
  readonly exited?: Promise<string>;
  /** Pause between attempts (default 250 ms). */
  readonly intervalMs?: number;
}

/**
 * Polls a Temporal frontend (`getSystemInfo`, then `describeNamespace`)
 * until it answers.
 *
 * @param options - address, namespace, deadline, and the process's exit
 * @throws Error when the deadline passes or the process exits first
 */
export async function waitForTemporal(options: WaitForTemporalOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let done = false;
  let lastError = 'no answer yet';
  const poll = async (): Promise<void> => {
    while (!done) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no answer within ${options.timeoutMs} ms (last error: ${lastError})`);
      try {
        await probe(options.address, options.namespace, Math.min(remaining, 2000));
        return;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
      await new Promise((wake) => setTimeout(wake, options.intervalMs ?? 250));
    }
  };
  const exited = (options.exited ?? new Promise<never>(() => undefined)).then((reason) => {
    throw new Error(`the server ${reason} before it answered`);
  });
  try {
    await Promise.race([poll(), exited]);
  } finally {
    done = true;
  }
}

async function probe(address: string, namespace: string, timeoutMs: number): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: timeoutMs });
  try {
    await connection.withDeadline(Date.now() + timeoutMs, async () => {
      await connection.workflowService.getSystemInfo({});
      await connection.workflowService.describeNamespace({ namespace });
    });
  } finally {
    await connection.close();
  }
}
