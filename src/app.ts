import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { clientErrorHandler } from './plugins/client-errors.js';
import { errorHandler, sendAppError } from './plugins/error-handler.js';
import { BODY_LIMIT_BYTES, toAppError } from './plugins/error-mapping.js';
import { metrics } from './plugins/metrics.js';
import { rateLimiter } from './plugins/rate-limit.js';
import { requestDeadline } from './plugins/request-deadline.js';
import { security } from './plugins/security.js';
import { validation } from './plugins/validation.js';
import { openApi } from './plugins/swagger.js';
import { approvalRoutes } from './routes/approvals/index.js';
import { authRoutes, type AuthServices } from './routes/auth/index.js';
import type { ApprovalService } from './services/approval-service.js';
import { opsRoutes } from './routes/ops/index.js';
import type { ReadinessProbes } from './routes/ops/readyz.js';

/** The API's Fastify instance, typed for TypeBox route schemas. */
export type App = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/** Everything the API needs from outside. */
export interface AppDeps {
  readonly config: Config;
  /** The process logger; Fastify adds a child per request carrying `reqId`. */
  readonly logger: Logger;
  /** Readiness checks of `GET /readyz`; each rejects when its dependency does not answer. */
  readonly probes: ReadinessProbes;
  /** Sign-in (through Temporal) and sessions (through the database). */
  readonly auth: AuthServices;
  /** Approvals (through Temporal, read from the snapshot table). */
  readonly approvals: ApprovalService;
  /** Fastify `trustProxy` (which proxies may set X-Forwarded-For); off by default. */
  readonly trustProxy?: FastifyServerOptions['trustProxy'];
}

/**
 * Builds the HTTP API with every plugin and route registered; never listens
 * (server.ts does). Tests call it and use `app.inject()`. The app is not yet
 * `ready()`, so callers may still add routes.
 *
 * @param deps - configuration, logger and dependency seams
 * @returns the Fastify instance
 */
export async function buildApp(deps: AppDeps): Promise<App> {
  const app: App = Fastify<Server, IncomingMessage, ServerResponse, FastifyBaseLogger>({
    loggerInstance: deps.logger,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: deps.trustProxy ?? false,
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    // Errors raised before routing (bad URL encoding) skip the error handler: same body here.
    frameworkErrors: (error, _request, reply) => {
      sendAppError(reply, toAppError(error).error);
    },
    // Errors of Node's HTTP parser, before Fastify sees a request (e.g. headers over 16 KiB).
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  // Order matters: the error handler first (inherited by every context), then the
  // plugins whose onRoute hooks must see the routes (rate limit, OpenAPI), then routes.
  await app.register(errorHandler);
  await app.register(validation);
  await app.register(requestDeadline);
  await app.register(security);
  await app.register(rateLimiter, { perMinute: deps.config.rateLimitPerMinute });
  await app.register(openApi);
  await app.register(metrics);
  await app.register(opsRoutes, { probes: deps.probes });
  // The session a guarded route found (see plugins/authenticate.ts), shaped once for every route.
  app.decorateRequest('auth', null);
  app.decorateRequest('bearerToken', null);
  await app.register(authRoutes, deps.auth);
  await app.register(approvalRoutes, { approvals: deps.approvals, sessions: deps.auth.sessions });

  return app;
}
