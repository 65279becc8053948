import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTemporalCli } from '../../src/temporal/binaries.js';
import { startDevServer, type DevServer, type DevServerOptions } from '../../src/temporal/dev-server.js';
import { findFreePort, isPortFree, PortInUseError } from '../../src/temporal/ports.js';
import { isProcessAlive } from '../../src/temporal/watchdog-spawn.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/dev-server-parent.ts', import.meta.url));
const ITEM = defineSearchAttributeKey('ItKeyword', SearchAttributeType.KEYWORD);
const cleanup: (() => Promise<unknown>)[] = [];
let cliPath = '';

beforeAll(async () => {
  const cli = await resolveTemporalCli({ allowSdkDownload: false });
  cliPath = cli.path ?? '';
}, 180_000);

afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dev-server-test-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function options(overrides: Partial<DevServerOptions> = {}): Promise<DevServerOptions & { lines: string[] }> {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  const ports = { port: await findFreePort(), uiPort: await findFreePort() };
  return { cliPath, dataDir: await tempDir(), ...ports, namespace: 'default', logger, lines, ...overrides };
}

async function start(opts: DevServerOptions): Promise<DevServer> {
  const server = await startDevServer(opts);
  cleanup.push(() => server.stop());
  return server;
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((wake) => setTimeout(wake, 100));
  }
}

describe('startDevServer', () => {
  it('answers, keeps executions across a restart on the same dataDir, and frees its port on stop', async () => {
    const opts = await options({ namespace: 'it-ns', searchAttributes: { ItKeyword: 'Keyword' } });
    const first = await start(opts);
    expect(first.address).toBe(`127.0.0.1:${opts.port}`);
    expect(first.uiUrl).toBe(`http://127.0.0.1:${opts.uiPort}`);
    await waitFor(() => opts.lines.join('').includes('Temporal Server:'), 5000); // stdout piped into the logger
    expect((await fetch(first.uiUrl)).status).toBe(200);

    const workflowId = `probe-${Date.now()}`;
    const connection = await Connection.connect({ address: first.address });
    const info = await connection.workflowService.getSystemInfo({});
    expect(info.serverVersion).toMatch(/^1\./);
    const client = new Client({ connection, namespace: 'it-ns' });
    await client.workflow.start('persistenceProbe', {
      taskQueue: `nobody-polls-${workflowId}`,
      workflowId,
      typedSearchAttributes: [{ key: ITEM, value: 'kept' }],
    });
    await connection.close();

    await first.stop();
    expect(isProcessAlive(first.pid)).toBe(false);
    expect(isProcessAlive(first.watchdogPid)).toBe(false);
    expect(await isPortFree('127.0.0.1', opts.port)).toBe(true);
    expect((await first.exited).code).not.toBeNull();

    const second = await start(opts);
    const again = await Connection.connect({ address: second.address });
    const description = await new Client({ connection: again, namespace: 'it-ns' }).workflow.getHandle(workflowId).describe();
    await again.close();
    expect(description.type).toBe('persistenceProbe');
    expect(description.status.name).toBe('RUNNING');
    expect(description.typedSearchAttributes.get(ITEM)).toBe('kept');
    await second.stop();
    await second.stop(); // idempotent
    expect(await isPortFree('127.0.0.1', opts.port)).toBe(true);
  });

  it('fails fast with a clear message when the port is taken', async () => {
    const opts = await options();
    const blocker = createServer();
    await new Promise<void>((listening) => blocker.listen(opts.port, '127.0.0.1', listening));
    try {
      const attempt = startDevServer(opts);
      await expect(attempt).rejects.toThrow(PortInUseError);
      await expect(attempt).rejects.toThrow(`Port ${opts.port} on 127.0.0.1`);
    } finally {
      blocker.close();
    }
  });

  it('rejects at once with the output tail when the server exits early, or cannot start', async () => {
    const fake = join(await tempDir(), 'temporal');
    await writeFile(fake, '#!/bin/sh\necho "listen tcp: address already in use" >&2\nexit 3\n');
    await chmod(fake, 0o755);
    const started = Date.now();
    await expect(startDevServer(await options({ cliPath: fake }))).rejects.toThrow(/exited \(code 3\)[\s\S]*address already in use/);
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(startDevServer(await options({ cliPath: join(fake, '..', 'missing') }))).rejects.toThrow(/could not start .*ENOENT/);
  });

  it('gives up after readyTimeoutMs when nothing answers, and stops what it started', async () => {
    const silent = join(await tempDir(), 'temporal');
    await writeFile(silent, '#!/bin/sh\necho "starting slowly"\nexec sleep 60\n');
    await chmod(silent, 0o755);
    const opts = await options({ cliPath: silent, readyTimeoutMs: 1500 });
    await expect(startDevServer(opts)).rejects.toThrow(/no answer within 1500 ms[\s\S]*starting slowly/);
    expect(opts.lines.join('')).toContain('Temporal dev server stopped');
  });

  it('stop() still takes the server down when its watchdog was killed', async () => {
    const server = await start(await options());
    process.kill(server.watchdogPid, 'SIGKILL');
    await server.exited;
    expect(isProcessAlive(server.pid)).toBe(true);
    await server.stop();
    expect(isProcessAlive(server.pid)).toBe(false);
  });

  it('takes the dev server down when its parent process is killed with -9', async () => {
    const opts = await options();
    const parent = spawn(process.execPath, ['--import', 'tsx', FIXTURE, cliPath, opts.dataDir, String(opts.port), String(opts.uiPort)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanup.push(() => Promise.resolve(parent.kill('SIGKILL')));
    let stderr = '';
    parent.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: parent.stdout }).once('line', resolve);
      parent.once('exit', (code) => reject(new Error(`fixture exited with ${String(code)}: ${stderr}`)));
    });
    const { pid, watchdogPid } = JSON.parse(firstLine) as { pid: number; watchdogPid: number };
    cleanup.push(() => Promise.resolve().then(() => process.kill(-watchdogPid, 'SIGKILL')));
    expect(isProcessAlive(pid)).toBe(true);
    expect(await isPortFree('127.0.0.1', opts.port)).toBe(false);

    parent.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor(() => !isProcessAlive(pid), 10_000);
    await waitFor(() => isPortFree('127.0.0.1', opts.port), 2_000);
    await waitFor(() => !isProcessAlive(watchdogPid), 2_000);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
  });
});
