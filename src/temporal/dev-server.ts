import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import { assertPortFree } from './ports.js';
import { waitForTemporal } from './ready.js';
import { isProcessAlive, spawnWatched } from './watchdog-spawn.js';

/** Search attribute types `temporal server start-dev --search-attribute` accepts. */
export type SearchAttributeType = 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  /** The `temporal` CLI binary (see `resolveTemporalCli`). */
  readonly cliPath: string;
  /** Directory of the SQLite database (`<dataDir>/temporal.db`); created if missing. */
  readonly dataDir: string;
  /** Address bound by the frontend and the UI (default `127.0.0.1`). */
  readonly ip?: string;
  /** Frontend gRPC port. */
  readonly port: number;
  /** Web UI port. */
  readonly uiPort: number;
  /** Namespace to create at start (`default` always exists). */
  readonly namespace: string;
  /** Custom search attributes to register. */
  readonly searchAttributes?: Readonly<Record<string, SearchAttributeType>>;
  /** Receives the server's output (stdout at debug, stderr at warn) and lifecycle lines. */
  readonly logger: Logger;
  /** How long to wait for the frontend to answer (default 30 s). */
  readonly readyTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL (default 10 s). */
  readonly stopGraceMs?: number;
}

/** How the dev server process ended. */
export interface DevServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running embedded dev server. */
export interface DevServer {
  /** gRPC frontend, `ip:port`. */
  readonly address: string;
  /** Web UI, `http://ip:uiPort`. */
  readonly uiUrl: string;
  /** Pid of the `temporal` process. */
  readonly pid: number;
  /** Pid of its watchdog (also its process group id). */
  readonly watchdogPid: number;
  /** Settles when the server (through its watchdog) has exited, expectedly or not. */
  readonly exited: Promise<DevServerExit>;
  /** SIGTERM, wait for exit, SIGKILL after the grace period. Idempotent. */
  stop(): Promise<void>;
}

const TAIL_LINES = 20;

/**
 * The `temporal server start-dev` arguments for the given options.
 *
 * @param options - the dev server options
 * @returns the CLI arguments
 */
export function devServerArgs(options: DevServerOptions): string[] {
  const ip = options.ip ?? '127.0.0.1';
  const args = ['server', 'start-dev', '--db-filename', join(resolve(options.dataDir), 'temporal.db')];
  args.push('--ip', ip, '--port', String(options.port), '--ui-port', String(options.uiPort));
  if (options.namespace !== 'default') args.push('--namespace', options.namespace);
  for (const [name, type] of Object.entries(options.searchAttributes ?? {})) args.push('--search-attribute', `${name}=${type}`);
  args.push('--ui-disable-news-fetch', '--log-level', 'warn');
  return args;
}

/**
 * Starts `temporal server start-dev` under the orphan watchdog, in its own
 * process group, with its output piped into the logger, and resolves once
 * the frontend answers.
 *
 * @param options - binary, data directory, ports, namespace, logger
 * @returns the running server
 * @throws PortInUseError when a port is taken; Error when the server exits early or is not ready in time
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const { logger } = options;
  await assertPortFree(ip, options.port, 'Temporal dev server gRPC');
  await assertPortFree(ip, options.uiPort, 'Temporal UI');
  await mkdir(resolve(options.dataDir), { recursive: true });

  const args = devServerArgs(options);
  logger.debug({ cli: options.cliPath, args }, 'starting the Temporal dev server');
  const proc = await spawnWatched(options.cliPath, args);
  const { watchdog } = proc;
  let stopping = false;
  const tail: string[] = [];
  const pipe = (stream: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr'): Promise<void> => {
    if (stream === null) return Promise.resolve();
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    lines.on('line', (line) => {
      if (line.trim() === '') return;
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      if (name === 'stderr' && !stopping) logger.warn({ stream: name }, line);
      else logger.debug({ stream: name }, line);
    });
    return new Promise((closed) => lines.once('close', closed));
  };
  const outputDone = Promise.all([pipe(watchdog.stdout, 'stdout'), pipe(watchdog.stderr, 'stderr')]);

  const exited = new Promise<DevServerExit>((done) => {
    watchdog.once('exit', (code, signal) => {
      (stopping ? logger.debug.bind(logger) : logger.warn.bind(logger))({ code, signal }, 'Temporal dev server exited');
      done({ code, signal });
    });
  });
  let exitedNow = false;
  void exited.then(() => (exitedNow = true));

  const graceMs = options.stopGraceMs ?? 10_000;
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-proc.watchdogPid, signal);
    } catch {
      // the group is already gone
    }
  };
  let stopPromise: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopPromise ??= (async () => {
      stopping = true;
      if (!exitedNow) {
        watchdog.kill('SIGTERM');
        const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      // The watchdog itself was killed: take the server down through the process group.
      if (isProcessAlive(proc.pid)) {
        signalGroup('SIGTERM');
        await waitForGone(proc.pid, graceMs);
        signalGroup('SIGKILL');
        await waitForGone(proc.pid, 2000);
      }
      logger.info({ serverPid: proc.pid }, 'Temporal dev server stopped');
    })());

  const address = `${ip}:${options.port}`;
  try {
    await waitForTemporal({
      address,
      namespace: options.namespace,
      timeoutMs: options.readyTimeoutMs ?? 30_000,
      exited: exited.then(({ code, signal }) => `exited (${signal ?? `code ${String(code)}`})`),
    });
  } catch (error) {
    await stop();
    // The last lines may still be in flight after the exit event.
    await Promise.race([outputDone, new Promise((wake) => setTimeout(wake, 1000))]);
    const reason = error instanceof Error ? error.message : String(error);
    const output = tail.length === 0 ? '' : `\n${tail.join('\n')}`;
    throw new Error(`Temporal dev server on ${address} did not start: ${reason}${output}`, { cause: error });
  }
  const uiUrl = `http://${ip}:${options.uiPort}`;
  logger.info({ address, uiUrl, serverPid: proc.pid, dataDir: options.dataDir }, 'Temporal dev server ready');
  return { address, uiUrl, pid: proc.pid, watchdogPid: proc.watchdogPid, exited, stop };
}

async function waitForGone(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
}
