import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Client } from '@temporalio/client';
import { inject } from 'vitest';
import type { App } from '../../src/app.js';
import { Lifecycle } from '../../src/bootstrap/lifecycle.js';
import { openServices } from '../../src/bootstrap/open-services.js';
import { buildApiApp } from '../../src/bootstrap/start-api.js';
import { startWorker } from '../../src/bootstrap/start-worker.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { resolveTemporalTarget } from '../../src/temporal/connection.js';
import { startDevServer } from '../../src/temporal/dev-server.js';
import { findFreePort } from '../../src/temporal/ports.js';
import { installTemporalRuntime } from '../../src/temporal/runtime.js';
import { createLogger } from '../../src/utils/logger.js';
import { signInWorkflowId } from '../../src/utils/secrets.js';
import { startFakeTurnstile, type FakeTurnstile } from './fake-turnstile.js';
import { startSmtpReceiver, type SmtpReceiver } from './smtp-receiver.js';

/** A real sign-in stack in the test process: dev server, worker, database, SMTP receiver, app. */
export interface SignInStack {
  readonly app: App;
  readonly config: Config;
  readonly client: Client;
  readonly database: Database;
  readonly smtp: SmtpReceiver;
  /** The fake siteverify, when Turnstile is on. */
  readonly turnstile: FakeTurnstile | undefined;
  /** Every log line written so far (API, worker, activities, SDK), as JSON text. */
  readonly logs: string[];
  /** Stops the Temporal dev server (outage tests); the stack's own stop tolerates it. */
  stopTemporal(): Promise<void>;
  /** The sign-in workflow id of an email. */
  workflowIdOf(email: string): string;
  /** Stops the worker, the app, the dev server and the receivers; deletes the data dir. */
  stop(): Promise<void>;
}

/** Options of {@link startSignInStack}. */
export interface SignInStackOptions {
  /** Extra environment (e.g. `OTP_TTL_SECONDS`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Turn Turnstile on, pointed at a local fake siteverify. */
  readonly turnstile?: boolean;
}

/**
 * Starts the whole sign-in path with real components, wired by the same
 * bootstrap functions `npm start` uses; the app is used through `inject`.
 *
 * @param options - environment and Turnstile switch
 * @returns the running stack
 */
export async function startSignInStack(options: SignInStackOptions = {}): Promise<SignInStack> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger('debug', 'sign-in-test', sink);
  installTemporalRuntime(logger);
  const lifecycle = new Lifecycle(logger);
  const dataDir = await mkdtemp(join(tmpdir(), 'sign-in-'));
  lifecycle.add('data dir', () => rm(dataDir, { recursive: true, force: true }));
  try {
    const smtp = await startSmtpReceiver();
    lifecycle.add('smtp receiver', () => smtp.close());
    const turnstile = options.turnstile === true ? await startFakeTurnstile() : undefined;
    if (turnstile !== undefined) lifecycle.add('fake turnstile', () => turnstile.close());
    const config = loadConfig({
      DATA_DIR: dataDir,
      TEMPORAL_TASK_QUEUE: `sign-in-${process.pid}-${Date.now()}`,
      RATE_LIMIT_PER_MINUTE: '0',
      SMTP_URL: smtp.url,
      ...(turnstile === undefined ? {} : { TURNSTILE_SECRET_KEY: 'test-secret', TURNSTILE_VERIFY_URL: turnstile.url }),
      ...options.env,
    });
    const server = await startDevServer({
      cliPath: inject('temporalCliPath'),
      dataDir,
      port: await findFreePort(),
      uiPort: await findFreePort(),
      namespace: 'default',
      logger,
    });
    lifecycle.add('dev server', () => server.stop());
    const context = { config, logger, lifecycle };
    const target = resolveTemporalTarget(config, server.address);
    const services = await openServices(context, target);
    await startWorker(context, target, services);
    const app = await buildApiApp(context, services);
    lifecycle.add('app', () => app.close());
    await app.ready();
    return {
      app,
      config,
      client: services.temporal.client,
      database: services.database,
      smtp,
      turnstile,
      logs,
      stopTemporal: () => server.stop(),
      workflowIdOf: (email) => signInWorkflowId(services.authSecret, email),
      stop: () => lifecycle.stopAll(),
    };
  } catch (error) {
    await lifecycle.stopAll();
    throw error;
  }
}
