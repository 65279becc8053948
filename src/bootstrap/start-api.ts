import { buildApp, type App } from '../app.js';
import type { Database } from '../db/database.js';
import { createApprovalService } from '../services/approval-service.js';
import { createSessionService } from '../services/session-service.js';
import { createSignInService } from '../services/sign-in-service.js';
import type { TemporalClientHandle } from '../temporal/client.js';
import type { ProcessContext } from './run-process.js';

/** The services the API uses, opened by the process entry point. */
export interface ApiServices {
  readonly database: Database;
  readonly temporal: TemporalClientHandle;
  /** `AUTH_SECRET` or the generated development secret. */
  readonly authSecret: string;
}

/**
 * Builds the HTTP API on the given services, without listening (tests inject into it).
 *
 * @param context - configuration and logger of the process
 * @param services - the database, the shared Temporal client and the server secret
 * @returns the app, not yet ready
 */
export async function buildApiApp(context: Pick<ProcessContext, 'config' | 'logger'>, services: ApiServices): Promise<App> {
  const { config, logger } = context;
  return buildApp({
    config,
    logger,
    probes: {
      temporal: () => services.temporal.probe(),
      database: () => services.database.ping(),
    },
    auth: {
      signIn: createSignInService({ config, temporal: services.temporal, authSecret: services.authSecret }),
      sessions: createSessionService(services.database),
    },
    approvals: createApprovalService({ config, temporal: services.temporal, database: services.database }),
  });
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
): Promise<{ app: App; url: string }> {
  const { config, logger, lifecycle } = context;
  if (config.turnstile.secretKey === undefined) logger.warn('TURNSTILE_SECRET_KEY is not set: the Turnstile check is off');
  const app = await buildApiApp(context, services);
  lifecycle.add('http api', () => app.close());
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return { app, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}` };
}
