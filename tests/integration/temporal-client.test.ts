import { describe, expect, it } from 'vitest';
import { createTemporalClient } from '../../src/temporal/client.js';
import { closedPort } from '../helpers/net.js';

describe('createTemporalClient().close()', () => {
  it('waits for a call still retrying against an unreachable Temporal before closing the channel', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const handle = createTemporalClient({ address, namespace: 'default', taskQueue: 'unused', connectionOptions: { address } });
    let settledAt = 0;
    // Connection refused is retried by the SDK's gRPC interceptor until the deadline and one more delay.
    const call = handle.call((client) => client.workflowService.getSystemInfo({}), 1_500).catch((error: unknown) => {
      settledAt = Date.now();
      return error;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await handle.close();
    const closedAt = Date.now();
    expect(settledAt).toBeGreaterThan(0);
    expect(settledAt).toBeLessThanOrEqual(closedAt);
    expect(String(await call)).toMatch(/DEADLINE_EXCEEDED|Deadline exceeded/);
    // Give a retry timer that close() did not wait for the chance to throw (vitest reports it as an error).
    await new Promise((resolve) => setTimeout(resolve, 3_000));
  });
});
