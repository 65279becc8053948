import type { ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { inject } from 'vitest';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server.js';
import { findFreePort } from '../../src/temporal/ports.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import { startSmtpReceiver, type SmtpReceiver } from './smtp-receiver.js';

/** What tests of separate API and worker processes run against. */
export interface ProcessServices {
  /** A temp dir for the processes' `DATA_DIR`s. */
  readonly root: string;
  readonly server: DevServer;
  readonly smtp: SmtpReceiver;
  /** A database of its own on the `DATABASE_URL` server, when that is set. */
  readonly database: TestDatabase | undefined;
  /** Kills the recorded child processes still running, then stops and drops everything above. */
  stop(): Promise<void>;
}

/**
 * Starts a Temporal dev server, an SMTP receiver and (with `DATABASE_URL`)
 * a fresh PostgreSQL database, for tests that spawn `src/server.ts` and
 * `src/worker.ts` (or their compiled forms) as processes.
 *
 * @param topic - names the temp dir and the database
 * @param children - where the test records the processes it spawns; `stop()` kills leftovers
 * @returns the services
 */
export async function startProcessServices(topic: string, children: ChildProcess[]): Promise<ProcessServices> {
  const root = await mkdtemp(join(tmpdir(), `${topic}-`));
  const port = await findFreePort();
  const uiPort = await findFreePort();
  const server = await startDevServer({ cliPath: inject('temporalCliPath'), dataDir: root, port, uiPort, namespace: 'default', logger: pino({ level: 'silent' }) });
  const smtp = await startSmtpReceiver();
  const url = process.env.DATABASE_URL;
  const database = url === undefined || url === '' ? undefined : await createTestDatabase(url, topic.replaceAll('-', '_'));
  return {
    root,
    server,
    smtp,
    database,
    stop: async () => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await server.stop();
      await smtp.close();
      await database?.drop();
    },
  };
}
