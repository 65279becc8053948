import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthcheckUrl, probe } from '../../src/tools/healthcheck.js';
import { closedPort } from '../helpers/net.js';

const execFileAsync = promisify(execFile);
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    response.statusCode = request.url === '/healthz' ? 200 : 503;
    response.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${address.port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('healthcheckUrl', () => {
  it("probes the API's /healthz on PORT unless HEALTHCHECK_URL says otherwise", () => {
    expect(healthcheckUrl({})).toBe('http://127.0.0.1:3000/healthz');
    expect(healthcheckUrl({ PORT: '8080' })).toBe('http://127.0.0.1:8080/healthz');
    expect(healthcheckUrl({ PORT: '8080', HEALTHCHECK_URL: ' http://127.0.0.1:9464/metrics ' })).toBe(
      'http://127.0.0.1:9464/metrics',
    );
    expect(healthcheckUrl({ HEALTHCHECK_URL: '' })).toBe('http://127.0.0.1:3000/healthz');
  });
});

describe('probe', () => {
  it('is healthy on 2xx only, and unhealthy when nothing listens', async () => {
    expect(await probe(`${base}/healthz`)).toEqual({ healthy: true, detail: `${base}/healthz answered 200` });
    expect((await probe(`${base}/other`)).healthy).toBe(false);
    const down = await probe(`http://127.0.0.1:${await closedPort()}/healthz`);
    expect(down.healthy).toBe(false);
    expect(down.detail).toMatch(/fetch failed/);
  });
});

describe('the HEALTHCHECK command', () => {
  const command = (env: NodeJS.ProcessEnv) =>
    execFileAsync(process.execPath, ['--import', 'tsx', 'src/tools/healthcheck.ts'], {
      env: { ...process.env, ...env },
      timeout: 30_000,
    });

  it('exits 0 when the target is healthy and 1 when it is not', async () => {
    const { stdout } = await command({ HEALTHCHECK_URL: `${base}/healthz` });
    expect(stdout).toContain('answered 200');
    const failure = (await command({ HEALTHCHECK_URL: `${base}/broken` }).then(
      () => undefined,
      (reason: unknown) => reason,
    )) as { code?: number; stderr?: string } | undefined;
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('answered 503');
  });
});
