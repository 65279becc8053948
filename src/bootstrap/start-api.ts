import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import type { Database } from '../db/database.js';
import type { TemporalClientHandle } from '../temporal/client.js';
import type { ProcessContext } from './run-process.js';

/** The services the API uses, opened by the process entry point. */
export interface ApiServices {
  readonly database: Database;
  readonly temporal: TemporalClientHandle;
}

/**
 * Builds the HTTP API on the given services and listens on `HOST:PORT`.
 *
 * @param context - configuration, logger and lifecycle of the process
 * @param services - the database and the shared Temporal client
 * @returns the listening app and its base URL
 */
export async function startApi(
  context: ProcessContext,
  services: ApiServices,
): Promise<{ app: FastifyInstance; url: string }> {
  const { config, logger, lifecycle } = context;
  const app = await buildApp({
    config,
    logger,
    probes: {
      temporal: () => services.temporal.probe(),
      database: () => services.database.ping(),
    },
  });
  lifecycle.add('http api', () => app.close());
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return { app, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}` };
}
