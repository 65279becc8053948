import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/temporal/ports.js';
import { type CapturedProcess, spawnCaptured, waitFor } from '../helpers/processes.js';
import { startProcessServices, type ProcessServices } from '../helpers/process-services.js';

const children: ChildProcess[] = [];
let services: ProcessServices | undefined;
const sharedDatabaseUrl = process.env.DATABASE_URL ?? '';

afterAll(() => services?.stop());

function run(entry: string, env: NodeJS.ProcessEnv): CapturedProcess {
  return spawnCaptured(process.execPath, ['--import', 'tsx', entry], env, children);
}

const post = async (base: string, path: string, body: object) => {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return res.status;
};

// Scaling out needs one database for all processes (sessions and deliveries are shared state): PostgreSQL.
describe.skipIf(sharedDatabaseUrl === '')('two workers on one task queue', () => {
  it('share the work, and one can be stopped mid-flow without losing any sign-in', { timeout: 240_000 }, async () => {
    services = await startProcessServices('two-workers', children);
    const { root, server, smtp: mailbox, database } = services;
    if (database === undefined) throw new Error('unreachable: the suite is skipped without DATABASE_URL');
    const common = { AUTH_SECRET: randomBytes(32).toString('base64url'), TEMPORAL_ADDRESS: server.address, TEMPORAL_TASK_QUEUE: 'two-workers', SMTP_URL: mailbox.url, DATABASE_URL: database.url, RATE_LIMIT_PER_MINUTE: '0' };
    const apiPort = await findFreePort();
    const base = `http://127.0.0.1:${apiPort}`;
    const workers = [run('src/worker.ts', { ...common, DATA_DIR: join(root, 'a') }), run('src/worker.ts', { ...common, DATA_DIR: join(root, 'b') })];
    run('src/server.ts', { ...common, DATA_DIR: join(root, 'api'), PORT: String(apiPort) });
    for (const worker of workers) await waitFor(() => worker.output().includes('worker polling'), 60_000, 'a worker to poll');
    await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200, 60_000, 'the API to be ready');

    const emails = Array.from({ length: 12 }, (_, i) => `user${i}@example.com`);
    expect(await Promise.all(emails.map((email) => post(base, '/auth/sign-in', { email })))).toEqual(emails.map(() => 202));
    const codes = await Promise.all(emails.map((email) => mailbox.codeFor(email, 30_000)));

    // Who ran what: the identities (pid@host) of the workers that started activity tasks.
    const connection = await Connection.connect({ address: server.address });
    const identities = new Set<string>();
    for await (const execution of new Client({ connection }).workflow.list({ query: `WorkflowType = 'signInWorkflow'` })) {
      const history = await new Client({ connection }).workflow.getHandle(execution.workflowId).fetchHistory();
      for (const event of history.events ?? []) {
        if (event.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) identities.add(event.activityTaskStartedEventAttributes?.identity ?? '');
      }
    }
    await connection.close();
    const pids = workers.map((w) => String(w.child.pid));
    expect([...identities].map((identity) => identity.split('@')[0]).sort()).toEqual([...pids].sort());

    // Scale down mid-flow: stop one worker; every live code still works through the other.
    workers[0]?.child.kill('SIGTERM');
    expect(await workers[0]?.exited).toBe(0);
    const verified = await Promise.all(emails.map((email, i) => post(base, '/auth/verify', { email, code: codes[i] ?? '' })));
    expect(verified).toEqual(emails.map(() => 200));
    expect(mailbox.messages).toHaveLength(emails.length);
  });
});
