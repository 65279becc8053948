import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterEach, describe, expect, it } from 'vitest';
import { isProcessAlive as isAlive } from '../../src/temporal/watchdog-spawn.js';
import { commandLine, descendantsOf, waitFor } from '../helpers/processes.js';
import { pickPorts, startStack, type RunningStack } from '../helpers/npm-start.js';

const running: RunningStack[] = [];

afterEach(() => {
  for (const stack of running.splice(0)) {
    for (const pid of [stack.pid, ...descendantsOf(stack.pid)]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

/** Records a workflow execution on the dev server (no worker needed: it only has to persist). */
async function recordExecution(address: string, workflowId: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    await client.workflow.start('persistenceProbe', { taskQueue: 'nobody-polls-this', workflowId, args: [] });
  } finally {
    await connection.close();
  }
}

async function describeExecution(address: string, workflowId: string): Promise<string> {
  const connection = await Connection.connect({ address });
  try {
    return (await new Client({ connection }).workflow.getHandle(workflowId).describe()).type;
  } finally {
    await connection.close();
  }
}

describe('npm start', () => {
  it('serves the stack, prints its URLs and stops its whole tree on SIGINT', { timeout: 180_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'e2e-start-'));
    const stack = await startStack(dataDir, await pickPorts());
    running.push(stack);
    const output = stack.output();
    expect(output).toContain(stack.apiUrl);
    expect(output).toContain(`${stack.apiUrl}/docs`);
    expect(output).toContain(`http://127.0.0.1:${stack.uiPort}`);
    expect(output.match(/TURNSTILE_SECRET_KEY is not set/g)).toHaveLength(1);
    expect(output).toContain('SMTP_URL is not set: mail goes to the dev outbox');
    expect((await fetch(`${stack.apiUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${stack.uiPort}/`)).status).toBe(200);

    const tree = descendantsOf(stack.pid);
    expect(tree.length).toBeGreaterThanOrEqual(2); // node main, watchdog, temporal (npm may exec through sh)
    process.kill(stack.pid, 'SIGINT');
    expect(await stack.exited).toBe(0);
    await waitFor(() => tree.every((pid) => !isAlive(pid)), 15_000, 'every process of the tree to end');
  });

  it('comes back after kill -9 of the whole tree with the same data, and leaves no orphan when only main dies', { timeout: 300_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'e2e-kill-'));
    const ports = await pickPorts();
    const first = await startStack(dataDir, ports);
    running.push(first);
    const workflowId = `probe-${Date.now()}`;
    await recordExecution(first.temporalAddress, workflowId);

    for (const pid of [first.pid, ...descendantsOf(first.pid)]) process.kill(pid, 'SIGKILL');
    await first.exited;

    const second = await startStack(dataDir, ports);
    running.push(second);
    expect(await describeExecution(second.temporalAddress, workflowId)).toBe('persistenceProbe');

    // kill -9 of the main process alone: the watchdog must take the dev server down with it.
    const tree = descendantsOf(second.pid);
    const main = tree.find((pid) => /src\/main\.ts/.test(commandLine(pid)));
    const temporal = tree.find((pid) => /server start-dev/.test(commandLine(pid)));
    expect(main).toBeDefined();
    expect(temporal).toBeDefined();
    process.kill(main ?? 0, 'SIGKILL');
    await waitFor(() => !isAlive(temporal ?? 0), 15_000, 'the dev server to end after its parent was killed');
  });
});
