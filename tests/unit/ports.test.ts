import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { FREE_PORT_RANGE, findFreePort, isPortFree } from '../../src/temporal/ports.js';

describe('findFreePort', () => {
  it('picks distinct free ports below the ephemeral range', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => findFreePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(FREE_PORT_RANGE.min);
      expect(port).toBeLessThan(FREE_PORT_RANGE.max);
    }
    expect(new Set(ports).size).toBeGreaterThan(15);
    expect(await isPortFree('127.0.0.1', ports[0] ?? 0)).toBe(true);
  });

  it('isPortFree sees a port with a listener as taken', async () => {
    const port = await findFreePort();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      expect(await isPortFree('127.0.0.1', port)).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
