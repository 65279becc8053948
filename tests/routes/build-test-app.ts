import type { Logger } from 'pino';
import { buildApp, type App, type AppDeps } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { ReadinessProbes } from '../../src/routes/ops/readyz.js';
import { createLogger } from '../../src/utils/logger.js';

/** Probes that answer at once. */
export const healthyProbes: ReadinessProbes = {
  temporal: () => Promise.resolve(),
  database: () => Promise.resolve(),
};

/** Options of {@link buildTestApp}. */
export interface TestAppOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly probes?: Partial<ReadinessProbes>;
  /** The app's logger (default: silent). */
  readonly logger?: Logger;
  /** Adds routes before the app is ready (e.g. routes that throw on purpose). */
  readonly routes?: (app: App) => void;
}

/**
 * Builds the real app with a silent (or the given) logger, the given environment and probes, then readies it.
 *
 * @param options - environment, probe overrides and extra routes
 * @returns the ready app; close it after the test
 */
export async function buildTestApp(options: TestAppOptions = {}): Promise<App> {
  const deps: AppDeps = {
    config: loadConfig({ RATE_LIMIT_PER_MINUTE: '0', ...options.env }),
    logger: options.logger ?? createLogger('silent', 'api-test'),
    probes: { ...healthyProbes, ...options.probes },
  };
  const app = await buildApp(deps);
  options.routes?.(app);
  await app.ready();
  return app;
}
