import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { inject } from 'vitest';
import { startDevServer, type DevServer, type DevServerExit, type DevServerOptions } from '../../src/temporal/dev-server.js';
import { findFreePort } from '../../src/temporal/ports.js';
import { isProcessAlive } from '../../src/temporal/watchdog-spawn.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { type CapturedProcess, spawnCaptured, waitFor } from '../helpers/processes.js';
import { startFaultySmtp, type FaultySmtp } from './faulty-smtp.js';

/** Everything a chaos test started, stopped in reverse order by {@link Cleanup.run}, even after a failure. */
export class Cleanup {
  readonly children: ChildProcess[] = [];
  private readonly steps: (() => Promise<void>)[] = [];

  /** @param step - stops one thing; errors are ignored so later steps still run */
  add(step: () => Promise<void>): void {
    this.steps.push(step);
  }

  /** Kills every recorded child still running, then runs the steps, newest first. */
  async run(): Promise<void> {
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const step of this.steps.splice(0).reverse()) await step().catch(() => undefined);
  }
}

/**
 * With `CHAOS_LOG_DIR` set, writes what the API (first) and each worker printed
 * to `<dir>/<topic>-<n>.log`, for a look after a failure.
 */
async function keepLogs(topic: string, processes: readonly CapturedProcess[]): Promise<void> {
  const dir = process.env.CHAOS_LOG_DIR ?? '';
  if (dir === '') return;
  await mkdir(dir, { recursive: true });
  for (const [i, captured] of processes.entries()) await writeFile(join(dir, `${topic}-${i === 0 ? 'api' : `worker-${i}`}.log`), captured.output());
}

/** An API process and a worker process on a dev server, PostgreSQL and a slow SMTP receiver. */
export interface ChaosCluster {
  /** The API's base URL. */
  readonly base: string;
  readonly smtp: FaultySmtp;
  readonly database: TestDatabase;
  /** A pool on the test's database, to look at what the processes wrote. */
  readonly pool: pg.Pool;
  readonly api: CapturedProcess;
  /** The dev server running now (a new one after {@link ChaosCluster.restartDevServer}). */
  server(): DevServer;
  /** The worker running now. */
  worker(): CapturedProcess;
  /** Starts a new worker and waits until it polls. */
  startWorker(): Promise<CapturedProcess>;
  /** `kill -9` of the worker process; resolves once it is gone. */
  killWorker(): Promise<void>;
  /** `kill -9` of the `temporal` process itself; resolves with how its watchdog ended. */
  killDevServer(): Promise<{ exit: DevServerExit; watchdogAlive: boolean }>;
  /** Starts the dev server again with the same options: same database file, same ports. */
  restartDevServer(): Promise<void>;
  /** Mail send requests the workers have marked as sent in `email_deliveries`. */
  markedDeliveries(): Promise<number>;
}

/**
 * Starts a chaos cluster; everything is registered with `cleanup`.
 *
 * @param topic - names the temp dir, the task queue and the database
 * @param cleanup - where started things are registered
 * @param smtpDelayMs - how long the SMTP receiver waits before each answer
 * @param env - extra environment of both processes
 * @returns the running cluster
 */
export async function startCluster(topic: string, cleanup: Cleanup, smtpDelayMs: number, env: NodeJS.ProcessEnv = {}): Promise<ChaosCluster> {
  const url = process.env.DATABASE_URL ?? '';
  if (url === '') throw new Error('chaos tests need DATABASE_URL');
  const root = await mkdtemp(join(tmpdir(), `chaos-${topic}-`));
  cleanup.add(() => rm(root, { recursive: true, force: true }));
  const options: DevServerOptions = {
    cliPath: inject('temporalCliPath'),
    dataDir: join(root, 'temporal'),
    port: await findFreePort(),
    uiPort: await findFreePort(),
    namespace: 'default',
    logger: pino({ level: 'silent' }),
  };
  let server = await startDevServer(options);
  const first = server;
  cleanup.add(() => first.stop());
  const smtp = await startFaultySmtp(smtpDelayMs);
  cleanup.add(() => smtp.close());
  const database = await createTestDatabase(url, `chaos_${topic}`);
  cleanup.add(() => database.drop());
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  cleanup.add(() => pool.end());

  const common: NodeJS.ProcessEnv = {
    NODE_ENV: 'production',
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: `chaos-${topic}`,
    SMTP_URL: smtp.url,
    DATABASE_URL: database.url,
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'info',
    ...env,
  };
  const run = (entry: string, extra: NodeJS.ProcessEnv): CapturedProcess =>
    spawnCaptured(process.execPath, ['--import', 'tsx', entry], { ...common, ...extra }, cleanup.children);
  const apiPort = await findFreePort();
  const base = `http://127.0.0.1:${apiPort}`;
  const api = run('src/server.ts', { DATA_DIR: join(root, 'api'), PORT: String(apiPort) });
  const logs: CapturedProcess[] = [api];
  cleanup.add(() => keepLogs(topic, logs));

  let workers = 0;
  let worker: CapturedProcess | undefined;
  const startWorker = async (): Promise<CapturedProcess> => {
    workers += 1;
    const started = run('src/worker.ts', { DATA_DIR: join(root, `worker-${workers}`) });
    logs.push(started);
    worker = started;
    let exited = false;
    void started.exited.then(() => (exited = true));
    await waitFor(
      () => {
        if (exited) throw new Error(`the worker exited early:\n${started.output()}`);
        return started.output().includes('worker polling');
      },
      120_000,
      'a worker to poll',
    );
    return started;
  };
  const current = (): CapturedProcess => {
    if (worker === undefined) throw new Error('no worker started');
    return worker;
  };

  await startWorker();
  await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200, 120_000, 'the API to be ready');

  return {
    base,
    smtp,
    database,
    pool,
    api,
    server: () => server,
    worker: current,
    startWorker,
    async killWorker() {
      const victim = current();
      victim.child.kill('SIGKILL');
      await victim.exited;
    },
    async killDevServer() {
      process.kill(server.pid, 'SIGKILL');
      const exit = await server.exited;
      return { exit, watchdogAlive: isProcessAlive(server.watchdogPid) };
    },
    async restartDevServer() {
      const next = await startDevServer(options);
      server = next;
      cleanup.add(() => next.stop());
    },
    async markedDeliveries() {
      const result = await pool.query<{ n: number }>('select count(*)::int as n from email_deliveries where sent_at is not null');
      return result.rows[0]?.n ?? 0;
    },
  };
}
