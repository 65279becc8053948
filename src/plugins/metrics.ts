import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { NO_RATE_LIMIT } from './rate-limit.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's Prometheus registry; add feature metrics with `registers: [app.metrics]`. */
    metrics: Registry;
  }
}

/** Route label of requests that matched no route (never the raw URL: unbounded cardinality). */
export const UNMATCHED_ROUTE = '(unmatched)';

function metricsPlugin(app: FastifyInstance, _options: unknown, done: (err?: Error) => void): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.decorate('metrics', registry);

  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? UNMATCHED_ROUTE,
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  app.get(
    '/metrics',
    {
      config: NO_RATE_LIMIT,
      schema: {
        summary: 'Prometheus metrics',
        tags: ['operations'],
        produces: ['text/plain'],
        response: { 200: { type: 'string', description: 'Prometheus text exposition format' } },
      },
    },
    async (_request, reply) => {
      const text = await registry.metrics();
      return reply.type(registry.contentType).send(text);
    },
  );

  app.addHook('onClose', (_instance, next) => {
    registry.clear();
    next();
  });
  done();
}

/**
 * Prometheus metrics: a fresh registry per app (tests never collide), Node default
 * metrics, and `http_request_duration_seconds{method,route,status_code}` where
 * `route` is the route pattern (`/approvals/:id`). Serves `GET /metrics`.
 */
export const metrics = fp(metricsPlugin, { name: 'metrics', fastify: '5.x' });
