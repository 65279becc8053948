import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from '../config.js';

/** Where and how to reach Temporal, shared by the API's client and the worker. */
export interface TemporalTarget {
  readonly address: string;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly connectionOptions: NativeConnectionOptions;
}

/**
 * Builds the Temporal connection from the standard Temporal environment
 * configuration (`TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`,
 * `TEMPORAL_TLS_*`, `TEMPORAL_PROFILE` and the TOML profile file), so Temporal
 * Cloud works by configuration alone.
 *
 * @param config - the parsed service configuration
 * @param devServerAddress - the embedded dev server's address, used when `TEMPORAL_ADDRESS` is unset
 * @param env - the environment to read (defaults to `process.env`)
 * @returns the target every Temporal connection of this process uses
 */
export function resolveTemporalTarget(
  config: Config,
  devServerAddress?: string,
  env: NodeJS.ProcessEnv = process.env,
): TemporalTarget {
  const address = config.temporal.address ?? devServerAddress;
  if (address === undefined) {
    throw new Error('TEMPORAL_ADDRESS is not set and no embedded dev server is running (use `npm start`)');
  }
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) vars[key] = value;
  vars.TEMPORAL_ADDRESS = address;
  vars.TEMPORAL_NAMESPACE = config.temporal.namespace;
  const loaded = loadClientConnectConfig({ overrideEnvVars: vars });
  return {
    address,
    namespace: loaded.namespace ?? config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    connectionOptions: { ...loaded.connectionOptions, address },
  };
}
