import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server.js';
import { findFreePort as freePort } from '../../src/temporal/ports.js';
import { pickPorts, startStack } from '../helpers/npm-start.js';
import { type CapturedProcess, commandLine, descendantsOf, spawnCaptured, waitFor } from '../helpers/processes.js';

const children: ChildProcess[] = [];
let server: DevServer | undefined;

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await server?.stop();
});

function run(script: 'api' | 'worker', env: NodeJS.ProcessEnv): CapturedProcess {
  return spawnCaptured('npm', ['run', '--silent', script], env, children);
}

describe('configuration errors', () => {
  it('stop the start with one line naming the variable', () => {
    const result = spawnSync('npm', ['start', '--silent'], {
      env: { ...process.env, PORT: 'abc', DATA_DIR: join(tmpdir(), 'never-created') },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('Invalid configuration: PORT must be a whole number (got "abc")');
  });
});

describe('npm run api / npm run worker', () => {
  it('run separately against an existing Temporal and stop cleanly on SIGTERM', { timeout: 120_000 }, async () => {
    const root = await mkdtemp(join(tmpdir(), 'processes-'));
    server = await startDevServer({
      cliPath: inject('temporalCliPath'),
      dataDir: root,
      port: await freePort(),
      uiPort: await freePort(),
      namespace: 'default',
      logger: pino({ level: 'silent' }),
    });
    const common = { TEMPORAL_ADDRESS: server.address, DATABASE_URL: '', TEMPORAL_TASK_QUEUE: 'separate-processes' };
    const port = await freePort();
    // Without DATABASE_URL each process needs its own PGlite directory.
    const worker = run('worker', { ...common, DATA_DIR: join(root, 'worker') });
    const api = run('api', { ...common, DATA_DIR: join(root, 'api'), PORT: String(port) });

    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, 60_000, 'the API to be ready');
    await waitFor(() => worker.output().includes('worker polling'), 60_000, 'the worker to poll');

    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
    expect(await worker.exited).toBe(0);
  });

  it('npm start with TEMPORAL_ADDRESS uses that Temporal and starts no dev server', { timeout: 120_000 }, async () => {
    if (server === undefined) throw new Error('the previous test starts the shared dev server');
    const root = await mkdtemp(join(tmpdir(), 'external-'));
    const stack = await startStack(root, await pickPorts(), { TEMPORAL_ADDRESS: server.address });
    children.push(stack.child);
    expect(descendantsOf(stack.pid).filter((pid) => commandLine(pid).includes('start-dev'))).toEqual([]);
    expect(stack.output()).toContain(`(the UI of your Temporal at ${server.address})`);
    process.kill(stack.pid, 'SIGINT');
    expect(await stack.exited).toBe(0);
  });
});
