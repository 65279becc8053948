import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SessionService } from '../../services/session-service.js';
import type { SignInService } from '../../services/sign-in-service.js';
import { sessionRoutes } from './session.js';
import { signInRoute } from './sign-in.js';
import { verifyRoute } from './verify.js';

/** What the `/auth` routes need. */
export interface AuthServices {
  readonly signIn: SignInService;
  readonly sessions: SessionService;
}

/** The passwordless sign-in routes: sign-in, verify, me, sign-out. */
export const authRoutes: FastifyPluginAsyncTypebox<AuthServices> = async (app, options) => {
  await app.register(signInRoute, { signIn: options.signIn });
  await app.register(verifyRoute, { signIn: options.signIn });
  await app.register(sessionRoutes, { sessions: options.sessions });
};
