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
 * Cloud works by configuration alone: a profile may supply the address, the
 * namespace, an API key and mTLS; `TEMPORAL_ADDRESS` and `TEMPORAL_NAMESPACE`
 * win over it. The embedded dev server (no `TEMPORAL_ADDRESS`) is reached
 * plainly, so a profile meant for another cluster never applies to it.
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
  const { taskQueue } = config.temporal;
  if (config.temporal.address === undefined && devServerAddress !== undefined) {
    const connectionOptions = { address: devServerAddress };
    return { address: devServerAddress, namespace: config.temporal.namespace, taskQueue, connectionOptions };
  }
  const vars: Record<string, string> = {};
  // An empty variable counts as unset, as everywhere in this service's configuration.
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value.trim() !== '') vars[key] = value;
  if (config.temporal.address !== undefined) vars.TEMPORAL_ADDRESS = config.temporal.address;
  const loaded = loadClientConnectConfig({ overrideEnvVars: vars });
  const address = config.temporal.address ?? loaded.connectionOptions.address;
  if (address === undefined || address === '') {
    throw new Error(
      'TEMPORAL_ADDRESS is not set, no Temporal profile names an address, and no embedded dev server is running (use `npm start`)',
    );
  }
  return {
    address,
    namespace: loaded.namespace ?? config.temporal.namespace,
    taskQueue,
    connectionOptions: { ...loaded.connectionOptions, address },
  };
}
