import { spawn, type ChildProcess } from 'node:child_process';
import { findFreePort as freePort } from '../../src/temporal/ports.js';
import { waitFor } from './processes.js';

/** A running `npm start`, as a new user would run it. */
export interface RunningStack {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly apiUrl: string;
  readonly temporalAddress: string;
  readonly uiPort: number;
  /** Everything the stack printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or signal name) once `npm start` exits. */
  readonly exited: Promise<number | string>;
}

/** Ports a stack listens on; reuse them to restart on the same addresses. */
export interface StackPorts {
  readonly api: number;
  readonly temporal: number;
  readonly ui: number;
}

/** @returns three ports that were free a moment ago */
export async function pickPorts(): Promise<StackPorts> {
  return { api: await freePort(), temporal: await freePort(), ui: await freePort() };
}

/**
 * Runs `npm start` in its own process group with the given data dir and ports
 * and waits until `GET /readyz` answers 200.
 *
 * @param dataDir - the `DATA_DIR` to use
 * @param ports - where the API and the dev server listen
 * @param env - extra environment variables
 * @returns the running stack
 */
export async function startStack(dataDir: string, ports: StackPorts, env: NodeJS.ProcessEnv = {}): Promise<RunningStack> {
  let output = '';
  const child = spawn('npm', ['start', '--silent'], {
    cwd: process.cwd(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(ports.api),
      TEMPORAL_DEV_SERVER_PORT: String(ports.temporal),
      TEMPORAL_DEV_UI_PORT: String(ports.ui),
      TEMPORAL_ADDRESS: '',
      DATABASE_URL: '',
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const apiUrl = `http://127.0.0.1:${ports.api}`;
  let ended = false;
  void exited.then(() => (ended = true));
  await waitFor(
    async () => {
      if (ended) throw new Error(`npm start exited early:\n${output}`);
      return (await fetch(`${apiUrl}/readyz`)).status === 200;
    },
    120_000,
    'GET /readyz = 200',
  ).catch((error: unknown) => {
    if (!ended) process.kill(-(child.pid ?? 0), 'SIGKILL');
    throw error;
  });
  return {
    child,
    pid: child.pid ?? 0,
    apiUrl,
    temporalAddress: `127.0.0.1:${ports.temporal}`,
    uiPort: ports.ui,
    output: () => output,
    exited,
  };
}
