import { isEntryPoint, runProcess } from './bootstrap/run-process.js';
import { openServices } from './bootstrap/open-services.js';
import { startApi } from './bootstrap/start-api.js';
import { resolveTemporalTarget } from './temporal/connection.js';

/**
 * The API process (`npm run api`): serves HTTP against an existing Temporal
 * (`TEMPORAL_ADDRESS`) and database. Scale it by running more of them.
 */
export async function runApiProcess(): Promise<void> {
  await runProcess('api', async (context) => {
    const target = resolveTemporalTarget(context.config);
    const services = await openServices(context, target);
    const { url } = await startApi(context, services);
    context.logger.info({ url, docs: `${url}/docs` }, 'API listening');
  });
}

if (isEntryPoint(import.meta.url)) await runApiProcess();
