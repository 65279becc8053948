import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../utils/app-error.js';
import { sendAppError } from './error-handler.js';

/**
 * Longest any request may take before the API answers `503 unavailable` on its
 * own: the contract promises an answer within 5 s, this leaves room for the trip.
 * It sits just above `DEPENDENCY_TIMEOUT_MS` (utils/timeout.ts), the budget of one call.
 */
export const REQUEST_DEADLINE_MS = 4_500;

function requestDeadlinePlugin(app: FastifyInstance, _options: unknown, done: (err?: Error) => void): void {
  const timers = new WeakMap<FastifyRequest, NodeJS.Timeout>();
  const clear = (request: FastifyRequest): void => {
    clearTimeout(timers.get(request));
    timers.delete(request);
  };

  app.addHook('onRequest', (request, reply, next) => {
    const timer = setTimeout(() => {
      timers.delete(request);
      if (reply.sent || reply.raw.headersSent) return;
      request.log.warn({ deadlineMs: REQUEST_DEADLINE_MS }, 'request deadline exceeded; answering 503');
      sendAppError(reply, new AppError('unavailable', 'The request took too long. Please try again shortly.'));
    }, REQUEST_DEADLINE_MS);
    timer.unref();
    timers.set(request, timer);
    next();
  });
  app.addHook('onResponse', (request, _reply, next) => {
    clear(request);
    next();
  });
  app.addHook('onRequestAbort', (request, next) => {
    clear(request);
    next();
  });
  done();
}

/**
 * Safety net behind the per-call timeouts: a request still unanswered after
 * {@link REQUEST_DEADLINE_MS} gets `503 unavailable`, so nothing ever hangs.
 * A handler finishing later only produces a log line.
 */
export const requestDeadline = fp(requestDeadlinePlugin, { name: 'request-deadline', fastify: '5.x' });
