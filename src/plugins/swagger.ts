import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { DOCS_CSP } from './security.js';

/** Version shown in the OpenAPI document: the package's own (`package.json` is two levels up in `src/` and `dist/`). */
export const API_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

/** Where the interactive docs live. */
export const DOCS_PREFIX = '/docs';

async function swaggerPlugin(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Durable auth & approvals API',
        version: API_VERSION,
        description:
          'Passwordless sign-in by email code and human-in-the-loop approvals, run as durable Temporal workflows. ' +
          'Every error body is `{"error": {"code", "message"}}`, with extra fields inside `error` where listed.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'Session token from POST /auth/verify' },
        },
      },
    },
  });

  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    // Replaces the API's deny-all CSP on the docs routes only (onSend hook scoped to them).
    staticCSP: DOCS_CSP,
    uiConfig: { deepLinking: true },
  });
}

/**
 * OpenAPI 3.1.0 document built from the route schemas, served at `GET /openapi.json`,
 * and Swagger UI at `GET /docs` (assets from the package, no CDN). Register it
 * before the routes so its onRoute hook sees them.
 */
export const openApi = fp(swaggerPlugin, { name: 'openapi', fastify: '5.x' });
