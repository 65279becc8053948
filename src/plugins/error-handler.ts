import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../utils/app-error.js';
import { toAppError } from './error-mapping.js';

/**
 * Sends a contract error: status from the code, `Retry-After` when set, and
 * exactly `{"error": {"code", "message", ...extra}}` as the body.
 *
 * @param reply - the reply to answer on
 * @param error - the contract error
 * @returns the reply, sent
 */
export function sendAppError(reply: FastifyReply, error: AppError): FastifyReply {
  if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.code(error.statusCode).type('application/json; charset=utf-8').send(error.toBody());
}

function logError(request: FastifyRequest, err: unknown, mapped: ReturnType<typeof toAppError>): void {
  const { error, level } = mapped;
  const fields = { code: error.code, statusCode: error.statusCode };
  if (level === 'info') {
    request.log.info(fields, `request failed: ${error.message}`);
  } else {
    // 5xx: the original error with its stack goes to the log, never to the caller.
    request.log[level]({ ...fields, err }, `request failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function errorHandlerPlugin(app: FastifyInstance, _options: unknown, done: (err?: Error) => void): void {
  app.setErrorHandler((err, request, reply) => {
    const mapped = toAppError(err);
    logError(request, err, mapped);
    return sendAppError(reply, mapped.error);
  });

  app.setNotFoundHandler((request, reply) => {
    return sendAppError(reply, new AppError('not_found', `Route ${request.method} ${request.url.split('?')[0] ?? ''} not found`));
  });

  // Accept `Content-Type: application/json` with an empty body (body-less POSTs
  // such as sign-out); the route schema still decides whether a body is required.
  // Other content types are refused (400 invalid_request, see error-mapping.ts).
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    void defaultJson(request, text, done);
  });
  done();
}

/**
 * The one error handler and not-found handler of the API, plus the JSON-only body
 * parser. Every failure leaves as `{"error": {"code", "message", ...extra}}`;
 * 5xx details are logged with their stack and never returned.
 */
export const errorHandler = fp(errorHandlerPlugin, { name: 'error-handler', fastify: '5.x' });
