import { mkdir } from 'node:fs/promises';
import { openServices } from './bootstrap/open-services.js';
import { isEntryPoint, runProcess, type ProcessContext } from './bootstrap/run-process.js';
import { startApi } from './bootstrap/start-api.js';
import { startWorker } from './bootstrap/start-worker.js';
import { resolveTemporalCli } from './temporal/binaries.js';
import { resolveTemporalTarget } from './temporal/connection.js';
import { startDevServer } from './temporal/dev-server.js';
import { startSdkDevServer } from './temporal/sdk-dev-server.js';

/** Custom search attributes registered on the dev server: none (approval listings use a snapshot table, see memory-bank/systemPatterns.md). */
export const SEARCH_ATTRIBUTES = {} as const;

async function startEmbeddedTemporal(context: ProcessContext): Promise<{ address: string; uiUrl: string }> {
  const { config, logger, lifecycle } = context;
  const cli = await resolveTemporalCli({ logger });
  const common = {
    dataDir: config.dataDir,
    port: config.temporal.devServerPort,
    uiPort: config.temporal.devUiPort,
    namespace: config.temporal.namespace,
    logger: logger.child({ component: 'temporal-dev-server' }),
  };
  const server =
    cli.source === 'sdk-download'
      ? await startSdkDevServer(common)
      : await startDevServer({ ...common, cliPath: cli.path, searchAttributes: SEARCH_ATTRIBUTES });
  lifecycle.add('temporal dev server', () => server.stop());
  return server;
}

/**
 * The whole stack in one foreground command (`npm start`): the embedded
 * Temporal dev server (unless `TEMPORAL_ADDRESS` is set), the worker and the
 * HTTP API, with state under `DATA_DIR`. SIGINT/SIGTERM stop all of it.
 */
export async function runDevStack(): Promise<void> {
  await runProcess('backend', async (context) => {
    const { config, logger } = context;
    await mkdir(config.dataDir, { recursive: true });
    const embedded = config.temporal.address === undefined ? await startEmbeddedTemporal(context) : undefined;
    const target = resolveTemporalTarget(config, embedded?.address);
    const services = await openServices(context, target);
    await startWorker(context, target, services);
    const { url } = await startApi(context, services);
    const ui = embedded?.uiUrl ?? `(the UI of your Temporal at ${target.address})`;
    process.stdout.write(`\n  API          ${url}\n  API docs     ${url}/docs\n  Temporal UI  ${ui}\n\n`);
    logger.info({ url, docs: `${url}/docs`, temporalUi: ui }, 'ready');
  });
}

if (isEntryPoint(import.meta.url)) await runDevStack();
