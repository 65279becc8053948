import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/temporal/ports.js';
import { call } from '../chaos/http.js';
import { type CapturedProcess, spawnCaptured, waitFor } from '../helpers/processes.js';
import { startProcessServices, type ProcessServices } from '../helpers/process-services.js';

const children: ChildProcess[] = [];
let services: ProcessServices | undefined;
afterAll(() => services?.stop());

/** Runs a compiled entry point of `dist/` the way a container would: plain node, no tsx. */
function runCompiled(entry: 'server' | 'worker', env: NodeJS.ProcessEnv): CapturedProcess {
  return spawnCaptured(process.execPath, [`dist/${entry}.js`], env, children);
}

describe('the production build, API and worker as separate processes', () => {
  it('builds a workflow bundle the worker loads, serves a sign-in (and an approval with PostgreSQL), exposes SDK metrics, and stops cleanly on SIGTERM', { timeout: 240_000 }, async () => {
    const build = spawnSync('npm', ['run', '--silent', 'build'], { encoding: 'utf8', timeout: 180_000 });
    expect(build.status, build.stderr).toBe(0);

    services = await startProcessServices('production', children);
    const { root, server, smtp, database } = services;
    const [apiPort, metricsPort] = [await findFreePort(), await findFreePort()];
    const common = { NODE_ENV: 'production', AUTH_SECRET: randomBytes(32).toString('base64url'), TEMPORAL_ADDRESS: server.address, TEMPORAL_TASK_QUEUE: 'production', SMTP_URL: smtp.url, DATABASE_URL: database?.url ?? '' };
    const worker = runCompiled('worker', { ...common, DATA_DIR: join(root, 'worker'), WORKER_METRICS_PORT: String(metricsPort) });
    const api = runCompiled('server', { ...common, DATA_DIR: join(root, 'api'), PORT: String(apiPort) });
    const base = `http://127.0.0.1:${apiPort}`;
    await waitFor(() => worker.output().includes('worker polling'), 60_000, 'the worker to poll');
    await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200, 60_000, 'the API to be ready');
    expect(worker.output()).toContain('dist/workflow-bundle.js');
    expect(worker.output()).not.toContain('Workflow bundle created');

    expect((await call(base, 'POST', '/auth/sign-in', { email: 'ops@example.com' })).status).toBe(202);
    const verified = await call(base, 'POST', '/auth/verify', { email: 'ops@example.com', code: await smtp.codeFor('ops@example.com', 30_000) });
    expect(verified.status).toBe(200);
    if (database !== undefined) {
      const token = String(verified.json.token);
      const created = await call(base, 'POST', '/approvals', { title: 'Ship it', approvers: ['ops@example.com'] }, token);
      expect(created.status).toBe(201);
      const decided = await call(base, 'POST', `/approvals/${String(created.json.id)}/decision`, { decision: 'approve' }, token);
      expect(decided).toMatchObject({ status: 200, json: { status: 'approved' } });
    }

    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/temporal_workflow_task_execution_latency|temporal_activity_execution_latency|temporal_worker_task_slots_available/);

    const stopped = Date.now();
    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
    expect(await worker.exited).toBe(0);
    expect(Date.now() - stopped).toBeLessThan(15_000);
  });
});
