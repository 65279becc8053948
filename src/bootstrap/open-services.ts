import { openDatabase } from '../db/database.js';
import { createTemporalClient } from '../temporal/client.js';
import { resolveAuthSecret } from '../utils/auth-secret.js';
import type { TemporalTarget } from '../temporal/connection.js';
import type { ApiServices } from './start-api.js';
import type { ProcessContext } from './run-process.js';

/**
 * Resolves the server secret, opens the database (applying migrations) and
 * the lazy Temporal client, and registers their stop steps.
 *
 * @param context - configuration, logger and lifecycle of the process
 * @param target - where Temporal is
 * @returns the opened services
 */
export async function openServices(context: ProcessContext, target: TemporalTarget): Promise<ApiServices> {
  const { config, logger, lifecycle } = context;
  const authSecret = await resolveAuthSecret(config);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  lifecycle.add('database', () => database.close());
  const temporal = createTemporalClient(target);
  lifecycle.add('temporal client', () => temporal.close());
  return { database, temporal, authSecret };
}
