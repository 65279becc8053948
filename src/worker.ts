import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isEntryPoint, runProcess } from './bootstrap/run-process.js';
import { startWorker } from './bootstrap/start-worker.js';
import { openDatabase } from './db/database.js';
import { resolveTemporalTarget } from './temporal/connection.js';
import { resolveAuthSecret } from './utils/auth-secret.js';

/**
 * The worker process (`npm run worker`): runs workflows and activities of the
 * task queue against an existing Temporal (`TEMPORAL_ADDRESS`). Scale it by
 * running more of them on the same task queue.
 */
export async function runWorkerProcess(): Promise<void> {
  await runProcess('worker', async (context) => {
    const { config, logger, lifecycle } = context;
    const target = resolveTemporalTarget(config);
    const authSecret = await resolveAuthSecret(config);
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
    lifecycle.add('database', () => database.close());
    await startWorker(context, target, { database, authSecret }, prebuiltWorkflowBundle());
  });
}

/**
 * The bundle `npm run build` writes next to the compiled worker
 * (`dist/workflow-bundle.js`); run from source there is none and the worker
 * bundles the workflows at start.
 *
 * @returns the bundle's path, or undefined
 */
export function prebuiltWorkflowBundle(): string | undefined {
  const path = fileURLToPath(new URL('./workflow-bundle.js', import.meta.url));
  return existsSync(path) ? path : undefined;
}

if (isEntryPoint(import.meta.url)) await runWorkerProcess();
