import { join } from 'node:path';
import type { Logger } from 'pino';

/** Options of {@link startSdkDevServer}: the same ports and data as the CLI path. */
export interface SdkDevServerOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly uiPort: number;
  readonly namespace: string;
  readonly logger: Logger;
}

/**
 * Last resort of the binary order: lets the Temporal SDK download the CLI and
 * run the dev server itself (`@temporalio/testing`, present after `npm ci`).
 * The SDK's process is not under our watchdog, so a `kill -9` of the parent
 * can leave it running; the CLI path is preferred for that reason.
 *
 * @param options - data dir, ports, namespace and logger
 * @returns the frontend address, the UI URL and a stop function
 */
export async function startSdkDevServer(
  options: SdkDevServerOptions,
): Promise<{ address: string; uiUrl: string; stop: () => Promise<void> }> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  options.logger.warn('no Temporal CLI found: letting the SDK download one');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'cached-download' },
      dbFilename: join(options.dataDir, 'temporal.db'),
      ip: '127.0.0.1',
      port: options.port,
      ui: true,
      uiPort: options.uiPort,
      namespace: options.namespace,
    },
  });
  return { address: env.address, uiUrl: `http://127.0.0.1:${options.uiPort}`, stop: () => env.teardown() };
}
