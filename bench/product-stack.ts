import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { findFreePort } from '../src/temporal/ports.js';
import { startSmtpReceiver, type SmtpReceiver } from '../tests/helpers/smtp-receiver.js';
import { answers200, spawnKept, until, type Spawned } from './processes.js';

/** The product under load: compiled API and worker, an in-process SMTP receiver. */
export interface ProductStack {
  readonly base: string;
  readonly smtp: SmtpReceiver;
  /** `separate`: API and worker processes on PostgreSQL; `single`: one process (`dist/main.js`) on PGlite. */
  readonly mode: 'separate' | 'single';
  readonly api: Spawned;
  readonly worker: Spawned;
  stop(): Promise<void>;
}

/**
 * Starts the compiled product (`npm run build` must have run) against a
 * Temporal server, with rate limiting off and mail to a local receiver. With
 * a database URL the API and the worker run as separate processes, as in
 * production; without one they share a process on PGlite (PGlite is
 * single-process).
 *
 * @param options - Temporal address, optional PostgreSQL URL, a scratch dir and the task queue
 * @returns the running stack
 */
export async function startProductStack(options: {
  temporalAddress: string;
  databaseUrl: string | undefined;
  root: string;
  taskQueue: string;
}): Promise<ProductStack> {
  const smtp = await startSmtpReceiver();
  const port = await findFreePort();
  const common = {
    NODE_ENV: 'production',
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_TASK_QUEUE: options.taskQueue,
    SMTP_URL: smtp.url,
    RATE_LIMIT_PER_MINUTE: '0',
    PORT: String(port),
  };
  const base = `http://127.0.0.1:${port}`;
  let api: Spawned;
  let worker: Spawned;
  if (options.databaseUrl !== undefined) {
    const env = { ...common, DATABASE_URL: options.databaseUrl };
    worker = spawnKept(process.execPath, ['dist/worker.js'], { ...env, DATA_DIR: join(options.root, 'worker') });
    api = spawnKept(process.execPath, ['dist/server.js'], { ...env, DATA_DIR: join(options.root, 'api') });
  } else {
    api = spawnKept(process.execPath, ['dist/main.js'], { ...common, DATA_DIR: join(options.root, 'single') });
    worker = api;
  }
  const stop = async (): Promise<void> => {
    await Promise.all([api.stop(), worker.stop()]);
    await smtp.close();
  };
  try {
    await until(() => worker.output().includes('worker polling'), 120_000, 'the worker to poll', worker);
    await until(() => answers200(`${base}/readyz`), 120_000, 'the API to be ready', api);
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, smtp, mode: options.databaseUrl === undefined ? 'single' : 'separate', api, worker, stop };
}
