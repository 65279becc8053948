import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/temporal/ports.js';
import { type CapturedProcess, spawnCaptured, waitFor } from '../helpers/processes.js';
import { startProcessServices, type ProcessServices } from '../helpers/process-services.js';

const children: ChildProcess[] = [];
let services: ProcessServices | undefined;
afterAll(() => services?.stop());

function run(script: 'api' | 'worker', env: NodeJS.ProcessEnv): CapturedProcess {
  // node directly (not through npm) so that SIGKILL hits the worker itself.
  return spawnCaptured(process.execPath, ['--import', 'tsx', script === 'api' ? 'src/server.ts' : 'src/worker.ts'], env, children);
}

describe('a worker killed between sign-in and verify', () => {
  it('loses nothing: a new worker picks the workflow up and the code still works', { timeout: 180_000 }, async () => {
    services = await startProcessServices('worker-restart', children);
    const { root, server, smtp, database } = services;
    const common = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: 'worker-restart',
      AUTH_SECRET: randomBytes(32).toString('base64url'),
      SMTP_URL: smtp.url,
      DATABASE_URL: database?.url ?? '',
      LOG_LEVEL: 'info',
    };
    const port = await findFreePort();
    const base = `http://127.0.0.1:${port}`;
    // With PGlite each process needs its own directory; with PostgreSQL they share the database.
    const api = run('api', { ...common, DATA_DIR: join(root, 'api'), PORT: String(port) });
    let worker = run('worker', { ...common, DATA_DIR: join(root, 'worker') });
    await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200, 60_000, 'the API to be ready');
    await waitFor(() => worker.output().includes('worker polling'), 60_000, 'the worker to poll');

    const res = await fetch(`${base}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'pat@example.com' }) });
    expect(res.status).toBe(202);
    const code = await smtp.codeFor('pat@example.com', 30_000);

    worker.child.kill('SIGKILL');
    await worker.exited;
    worker = run('worker', { ...common, DATA_DIR: join(root, 'worker') });
    await waitFor(() => worker.output().includes('worker polling'), 60_000, 'the new worker to poll');

    const verified = await waitFor(
      async () => {
        const answer = await fetch(`${base}/auth/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'pat@example.com', code }) });
        return answer.status === 503 ? undefined : answer;
      },
      30_000,
      'verify to answer',
    );
    expect(verified.status).toBe(200);
    const body = (await verified.json()) as { token: string; user: { email: string } };
    expect(body.user.email).toBe('pat@example.com');
    if (database !== undefined) {
      const me = await fetch(`${base}/auth/me`, { headers: { authorization: `Bearer ${body.token}` } });
      expect(me.status).toBe(200);
    }
    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    await Promise.all([api.exited, worker.exited]);
  });
});
