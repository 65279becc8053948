import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { healthzRoute } from './healthz.js';
import { readyzRoute, type ReadyzOptions } from './readyz.js';

/** Operations routes: `GET /healthz` and `GET /readyz` (`/metrics` comes with the metrics plugin). */
export const opsRoutes: FastifyPluginAsyncTypebox<ReadyzOptions> = async (app, options) => {
  await app.register(healthzRoute);
  await app.register(readyzRoute, options);
};
