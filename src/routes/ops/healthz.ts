import { Type, type FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { NO_RATE_LIMIT } from '../../plugins/rate-limit.js';

const Healthy = Type.Object({ status: Type.Literal('ok') }, { description: 'The process is alive' });

/** `GET /healthz`: liveness; 200 `{"status":"ok"}` while the process lives, no dependency checked. */
export const healthzRoute: FastifyPluginCallbackTypebox = (app, _options, done) => {
  app.get(
    '/healthz',
    {
      config: NO_RATE_LIMIT,
      schema: { summary: 'Liveness probe', tags: ['operations'], response: { 200: Healthy } },
    },
    async (_request, reply) => {
      void reply.header('cache-control', 'no-store');
      return { status: 'ok' as const };
    },
  );
  done();
};
