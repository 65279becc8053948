import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { createLogger } from '../utils/logger.js';
import { Lifecycle } from './lifecycle.js';

/** What every process entry point receives. */
export interface ProcessContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
}

/**
 * Tells whether a module is the script Node was started with.
 *
 * @param importMetaUrl - the module's `import.meta.url`
 * @returns true when the module is the process entry point
 */
export function isEntryPoint(importMetaUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && importMetaUrl === pathToFileURL(script).href;
}

/**
 * Runs a process entry point: parses the configuration (a bad value ends the
 * start with one line naming the variable), creates the logger, stops everything on SIGINT/SIGTERM, and exits non-zero on
 * a start-up failure after stopping what had started.
 *
 * @param name - the process role, used in log lines
 * @param start - starts the process's parts, registering their stop steps
 */
export async function runProcess(name: string, start: (context: ProcessContext) => Promise<void>): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel, name);
  const lifecycle = new Lifecycle(logger);
  lifecycle.stopOnSignals();
  try {
    await start({ config, logger, lifecycle });
  } catch (error) {
    logger.fatal({ err: error }, `${name} failed to start`);
    await lifecycle.stopAll();
    process.exit(1);
  }
}
