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
  close(): Promise<void>;
}

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
  const call = <T>(fn: (c: Client) => Promise<T>, timeoutMs = DEPENDENCY_TIMEOUT_MS): Promise<T> =>
    connection.withDeadline(Date.now() + timeoutMs, () => fn(client));
  return {
    client,
    connection,
    call,
    probe: async (timeoutMs = 2000) => {
      await call(() => connection.workflowService.getSystemInfo({}), timeoutMs);
    },
    close: () => connection.close(),
  };
}
