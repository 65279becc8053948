import { Client, Connection } from '@temporalio/client';
import { DEPENDENCY_TIMEOUT_MS } from '../utils/timeout.js';
import type { TemporalTarget } from './connection.js';

/** The API's one shared Temporal client with its readiness probe. */
export interface TemporalClientHandle {
  readonly client: Client;
  readonly connection: Connection;
  /** Resolves when the frontend answers within `timeoutMs`. */
  probe(timeoutMs?: number): Promise<void>;
  /**
   * Runs `fn` with a deadline so an unreachable Temporal fails fast
   * (DEADLINE_EXCEEDED, mapped to 503) instead of hanging the request.
   */
  call<T>(fn: (client: Client) => Promise<T>, timeoutMs?: number): Promise<T>;
  /** Waits (at most {@link CLOSE_GRACE_MS}) for calls still running, then closes the connection. */
  close(): Promise<void>;
}

/**
 * How long `close()` waits for calls still in flight. A call can outlive its
 * deadline by one retry delay of the SDK's gRPC retry interceptor (at most a
 * few seconds); closing the channel under that pending retry makes the retry
 * throw from its timer, an uncaught exception.
 */
export const CLOSE_GRACE_MS = 10_000;

/**
 * Creates the shared client. The connection is lazy, so the API starts (and
 * answers `503` from `/readyz`) even while Temporal is still down.
 *
 * @param target - the resolved Temporal target
 * @returns the client handle
 */
export function createTemporalClient(target: TemporalTarget): TemporalClientHandle {
  const connection = Connection.lazy(target.connectionOptions);
  const client = new Client({ connection, namespace: target.namespace });
  const inFlight = new Set<Promise<void>>();
  const call = <T>(fn: (c: Client) => Promise<T>, timeoutMs = DEPENDENCY_TIMEOUT_MS): Promise<T> => {
    const result = connection.withDeadline(Date.now() + timeoutMs, () => fn(client));
    const settled: Promise<void> = result.then(
      () => void inFlight.delete(settled),
      () => void inFlight.delete(settled),
    );
    inFlight.add(settled);
    return result;
  };
  return {
    client,
    connection,
    call,
    probe: async (timeoutMs = 2000) => {
      await call(() => connection.workflowService.getSystemInfo({}), timeoutMs);
    },
    close: async () => {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
      await Promise.race([Promise.all(inFlight), grace]);
      clearTimeout(timer);
      await connection.close();
    },
  };
}
