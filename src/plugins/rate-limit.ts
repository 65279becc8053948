import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../utils/app-error.js';

/** Options of the {@link rateLimiter} plugin. */
export interface RateLimiterOptions {
  /** Requests per client IP per minute (`RATE_LIMIT_PER_MINUTE`); `0` registers nothing. */
  readonly perMinute: number;
}

/** Route config that exempts a route (health probes must never be limited). */
export const NO_RATE_LIMIT = { rateLimit: false } as const;

async function rateLimiterPlugin(app: FastifyInstance, options: RateLimiterOptions): Promise<void> {
  if (options.perMinute <= 0) {
    app.log.info('rate limit off (RATE_LIMIT_PER_MINUTE=0)');
    return;
  }
  await app.register(rateLimit, {
    global: true,
    max: options.perMinute,
    timeWindow: 60_000,
    // Key: the client IP as Fastify sees it (the socket address unless trustProxy is set).
    keyGenerator: (request) => request.ip,
    errorResponseBuilder: (_request, context) => {
      const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new AppError('too_many_requests', `Too many requests; retry in ${seconds} s`, {}, { retryAfterSeconds: seconds });
    },
  });
}

/**
 * Per-IP rate limit of `perMinute` requests a minute over every route registered
 * after it, answering `429 too_many_requests` with `Retry-After` (seconds).
 * Routes opt out with `config: NO_RATE_LIMIT`.
 */
export const rateLimiter = fp(rateLimiterPlugin, { name: 'rate-limiter', fastify: '5.x' });
