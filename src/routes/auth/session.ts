import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { requireSession, sessionOf } from '../../plugins/authenticate.js';
import type { SessionService } from '../../services/session-service.js';
import { BEARER_SECURITY, errorResponses } from '../schemas.js';
import { Me } from './schemas.js';

/** `GET /auth/me` and `POST /auth/sign-out`: the caller's session, and ending it. */
export const sessionRoutes: FastifyPluginCallbackTypebox<{ sessions: SessionService }> = (app, options, done) => {
  const guard = requireSession(options.sessions);

  app.get(
    '/auth/me',
    {
      onRequest: guard,
      schema: {
        summary: 'The signed-in user and session',
        tags: ['auth'],
        security: [...BEARER_SECURITY],
        response: { 200: Me, ...errorResponses('unauthorized', 'too_many_requests', 500, 503) },
      },
    },
    async (request, reply) => {
      const { user, session } = sessionOf(request);
      void reply.header('cache-control', 'no-store');
      return { user: { id: user.id, email: user.email }, session: { expiresAt: session.expiresAt.toISOString() } };
    },
  );

  app.post(
    '/auth/sign-out',
    {
      onRequest: guard,
      schema: {
        summary: 'Revoke the session; the token is dead from then on',
        tags: ['auth'],
        security: [...BEARER_SECURITY],
        // 413: no body is needed, but one over the limit is refused before anything else looks at it.
        response: { 204: { type: 'null', description: 'Signed out' }, ...errorResponses(400, 'unauthorized', 413, 'too_many_requests', 500, 503) },
      },
    },
    async (request, reply) => {
      if (request.bearerToken !== null) await options.sessions.revoke(request.bearerToken);
      return reply.code(204).send();
    },
  );
  done();
};
