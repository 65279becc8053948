import { join } from 'node:path';
import type { Database } from '../db/database.js';
import { createMailer } from '../mail/mailer.js';
import { createWorker } from '../temporal/create-worker.js';
import type { TemporalTarget } from '../temporal/connection.js';
import { installTemporalRuntime } from '../temporal/runtime.js';
import type { ProcessContext } from './run-process.js';

/**
 * Creates and runs the worker; a worker that dies stops the whole process
 * (exit code 1) rather than leaving an API without a worker behind.
 *
 * @param context - configuration, logger and lifecycle of the process
 * @param target - where Temporal is
 * @param services - the database and server secret activities use
 * @param workflowBundlePath - a prebuilt workflow bundle, if any
 */
export async function startWorker(
  context: ProcessContext,
  target: TemporalTarget,
  services: { readonly database: Database; readonly authSecret: string },
  workflowBundlePath?: string,
): Promise<void> {
  const { config, logger, lifecycle } = context;
  // Only worker processes load the SDK's native runtime; the API needs the client alone.
  installTemporalRuntime(logger, config.workerMetricsPort);
  const activityLogger = logger.child({ component: 'activities' });
  const mailer = createMailer({ config, logger: activityLogger });
  lifecycle.add('mailer', () => mailer.close());
  if (mailer.kind === 'outbox') logger.info({ outbox: join(config.dataDir, 'outbox') }, 'SMTP_URL is not set: mail goes to the dev outbox');
  const handle = await createWorker({
    target,
    deps: { config, logger: activityLogger, database: services.database, authSecret: services.authSecret, mailer },
    ...(workflowBundlePath === undefined ? {} : { workflowBundlePath }),
  });
  lifecycle.add('worker', () => handle.shutdown());
  handle.run().catch((error: unknown) => {
    logger.fatal({ err: error }, 'worker stopped unexpectedly');
    void lifecycle.stopAll().then(() => process.exit(1));
  });
  logger.info(
    { taskQueue: target.taskQueue, namespace: target.namespace, workflowBundle: workflowBundlePath ?? 'bundled at start' },
    'worker polling',
  );
}
